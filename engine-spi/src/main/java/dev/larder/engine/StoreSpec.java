package dev.larder.engine;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An online store's configuration as plain serializable data, for engines that open the store in
 * other JVMs (one per Spark executor). The options may hold secrets: {@link #toString} shows only
 * their keys.
 *
 * @param project  the Feast project
 * @param repoPath the repository directory, as a string (relative options resolve against it)
 * @param type     the {@code online_store.type}
 * @param options  the {@code online_store:} options as parsed YAML (maps, lists, scalars)
 */
public record StoreSpec(String project, String repoPath, String type, Map<String, Object> options) implements Serializable {
    public StoreSpec {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(repoPath, "repoPath");
        Objects.requireNonNull(type, "type");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    @Override
    public String toString() {
        return "StoreSpec{project=" + project + ", repoPath=" + repoPath + ", type=" + type + ", optionKeys=" + options.keySet() + "}";
    }
}
