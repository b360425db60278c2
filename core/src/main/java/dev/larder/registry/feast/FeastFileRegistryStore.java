package dev.larder.registry.feast;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import dev.larder.feast.proto.core.Registry;
import dev.larder.registry.RegistryStore;

import dev.larder.config.Errors;
import dev.larder.registry.RegistryFileLock;
import dev.larder.registry.RegistryFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Feast's file registry ({@code registry: data/registry.db}): the bytes of one serialized
 * {@code feast.core.Registry}, possibly holding several projects. Writes replace the file
 * atomically and keep other projects' objects, and fields Larder does not model, as they were.
 */
public final class FeastFileRegistryStore implements RegistryStore {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final RegistryConfig config;
    private final Supplier<String> uuids;

    public FeastFileRegistryStore(RegistryConfig config) {
        this(config, () -> UUID.randomUUID().toString());
    }

    /** @param uuids the source of {@code version_id}s (Feast: {@code uuid4}); tests pin it */
    public FeastFileRegistryStore(RegistryConfig config, Supplier<String> uuids) {
        this.config = config;
        this.uuids = uuids;
    }

    @Override
    public RegistryConfig config() {
        return config;
    }

    private Path file() {
        return config.file();
    }

    /** The whole registry, or empty when the file does not exist. */
    public Optional<Registry> readProto() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LarderException(file() + ": cannot read the Feast registry: " + Errors.reason(e), e);
        }
        if (bytes.length >= SQLITE_HEADER.length && Arrays.equals(bytes, 0, SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length)) {
            throw new LarderException(file() + ": this is a SQLite database, not a Feast file registry; if Feast wrote it as a SQL registry,"
                    + " set registry: {registry_type: sql, path: sqlite:///" + file() + "}");
        }
        Registry registry;
        try {
            registry = Registry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new LarderException(file() + ": not a readable Feast registry (" + bytes.length + " bytes): protobuf parsing of"
                    + " feast.core.Registry failed: " + e.getMessage() + "; the file may be truncated or not a registry", e);
        }
        if (bytes.length > 0 && registry.getRegistrySchemaVersion().isEmpty() && registry.getProjectsCount() == 0
                && registry.getEntitiesCount() == 0 && registry.getFeatureViewsCount() == 0) {
            throw new LarderException(file() + ": not a Feast registry: " + bytes.length + " bytes parsed as feast.core.Registry"
                    + " hold no registry_schema_version, project, entity or feature view");
        }
        return Optional.of(registry);
    }

    @Override
    public Optional<dev.larder.registry.Registry> load(String project) {
        return readProto().map(r -> FeastRegistryProjects.of(r, project)).filter(o -> !o.isEmpty()).map(FeastRegistryMapping::toRegistry);
    }

    @Override
    public List<String> projects() {
        return readProto().map(FeastRegistryProjects::names).orElse(List.of());
    }

    @Override
    public <T> T exclusive(Supplier<T> update) {
        return RegistryFileLock.holding(file(), RegistryFileLock.DEFAULT_TIMEOUT, update);
    }

    @Override
    public void save(dev.larder.registry.Registry registry) {
        exclusive(() -> {
            saveLocked(registry);
            return null;
        });
    }

    private void saveLocked(dev.larder.registry.Registry registry) {
        Registry current = readProto().orElse(Registry.getDefaultInstance());
        FeastProjectObjects previous = FeastRegistryProjects.of(current, registry.project());
        FeastProjectObjects next = new FeastRegistryWriter(registry.lastUpdated(), uuids).write(registry, previous);
        write(FeastRegistryProjects.replace(current, registry.project(), next).toBuilder()
                .setRegistrySchemaVersion("1")
                .setVersionId(uuids.get())
                .setLastUpdated(FeastRegistryMapping.timestamp(registry.lastUpdated()))
                .build());
    }

    /** Appends each interval to its view's meta in one rewrite of the file (Feast's format has no room for the store's identity). */
    @Override
    public void recordMaterialized(String project, Map<String, dev.larder.registry.Registry.Interval> intervals, String store,
                                   java.time.Instant now) {
        exclusive(() -> {
            Registry current = readProto().orElseThrow(() -> new LarderException(describe() + ": no registry yet; run 'larder apply' first"));
            Registry.Builder b = current.toBuilder();
            Set<String> found = new HashSet<>();
            for (int i = 0; i < b.getFeatureViewsCount(); i++) {
                var fv = b.getFeatureViews(i);
                var interval = fv.getSpec().getProject().equals(project) ? intervals.get(fv.getSpec().getName()) : null;
                if (interval != null) {
                    b.setFeatureViews(i, fv.toBuilder().setMeta(FeastMaterialization.append(fv.getMeta(), interval, now)));
                    found.add(fv.getSpec().getName());
                }
            }
            for (int i = 0; i < b.getStreamFeatureViewsCount(); i++) {
                var sfv = b.getStreamFeatureViews(i);
                var interval = sfv.getSpec().getProject().equals(project) ? intervals.get(sfv.getSpec().getName()) : null;
                if (interval != null) {
                    b.setStreamFeatureViews(i, sfv.toBuilder().setMeta(FeastMaterialization.append(sfv.getMeta(), interval, now)));
                    found.add(sfv.getSpec().getName());
                }
            }
            for (String view : intervals.keySet()) {
                if (!found.contains(view)) {
                    throw new LarderException(describe() + ": project '" + project + "' has no feature view '" + view + "'");
                }
            }
            write(b.setVersionId(uuids.get()).setLastUpdated(FeastRegistryMapping.timestamp(now)).build());
            return null;
        });
    }

    @Override
    public void delete(String project) {
        exclusive(() -> {
            Optional<Registry> current = readProto();
            if (current.isEmpty()) return null;
            Registry rest = FeastRegistryProjects.replace(current.get(), project, FeastProjectObjects.empty(project));
            if (FeastRegistryProjects.names(rest).isEmpty()) {
                RegistryFiles.delete(file(), "Feast registry");
            } else {
                write(rest.toBuilder().setVersionId(uuids.get()).build());
            }
            return null;
        });
    }

    private void write(Registry registry) {
        RegistryFiles.write(file(), registry.toByteArray(), "Feast registry");
    }

}
