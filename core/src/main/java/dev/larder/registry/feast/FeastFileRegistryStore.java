package dev.larder.registry.feast;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import dev.larder.feast.proto.core.Registry;
import dev.larder.registry.RegistryStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
            throw new LarderException(file() + ": cannot read the Feast registry: " + e.getMessage(), e);
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
    public void save(dev.larder.registry.Registry registry) {
        Registry current = readProto().orElse(Registry.getDefaultInstance());
        FeastProjectObjects previous = FeastRegistryProjects.of(current, registry.project());
        FeastProjectObjects next = new FeastRegistryWriter(registry.lastUpdated(), uuids).write(registry, previous);
        write(FeastRegistryProjects.replace(current, registry.project(), next).toBuilder()
                .setRegistrySchemaVersion("1")
                .setVersionId(uuids.get())
                .setLastUpdated(FeastRegistryMapping.timestamp(registry.lastUpdated()))
                .build());
    }

    @Override
    public void recordMaterialized(String project, String view, dev.larder.registry.Registry.Interval interval, java.time.Instant now) {
        Registry current = readProto().orElseThrow(() -> new LarderException(describe() + ": no registry yet; run 'larder apply' first"));
        Registry.Builder b = current.toBuilder();
        boolean found = false;
        for (int i = 0; i < b.getFeatureViewsCount(); i++) {
            var fv = b.getFeatureViews(i);
            if (fv.getSpec().getProject().equals(project) && fv.getSpec().getName().equals(view)) {
                b.setFeatureViews(i, fv.toBuilder().setMeta(FeastMaterialization.append(fv.getMeta(), interval, now)));
                found = true;
            }
        }
        for (int i = 0; i < b.getStreamFeatureViewsCount(); i++) {
            var sfv = b.getStreamFeatureViews(i);
            if (sfv.getSpec().getProject().equals(project) && sfv.getSpec().getName().equals(view)) {
                b.setStreamFeatureViews(i, sfv.toBuilder().setMeta(FeastMaterialization.append(sfv.getMeta(), interval, now)));
                found = true;
            }
        }
        if (!found) {
            throw new LarderException(describe() + ": project '" + project + "' has no feature view '" + view + "'");
        }
        write(b.setVersionId(uuids.get()).setLastUpdated(FeastRegistryMapping.timestamp(now)).build());
    }

    @Override
    public void delete(String project) {
        Optional<Registry> current = readProto();
        if (current.isEmpty()) return;
        Registry rest = FeastRegistryProjects.replace(current.get(), project, FeastProjectObjects.empty(project));
        if (FeastRegistryProjects.names(rest).isEmpty()) {
            try {
                Files.deleteIfExists(file());
            } catch (IOException e) {
                throw new LarderException(file() + ": cannot delete the registry: " + e.getMessage(), e);
            }
        } else {
            write(rest.toBuilder().setVersionId(uuids.get()).build());
        }
    }

    /** Writes a temporary file, then moves it over the registry, so readers see the old or the new registry, never half. */
    private void write(Registry registry) {
        try {
            Path dir = file().toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file().getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, registry.toByteArray());
                try {
                    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LarderException(file() + ": cannot write the Feast registry: " + e.getMessage(), e);
        }
    }

}
