package dev.larder.config;

import dev.larder.LarderException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads YAML files into plain maps with SnakeYAML: anchors and aliases resolve (a bounded number
 * of aliases per file, so a "billion laughs" file fails instead of exhausting memory), duplicate
 * keys are an error, and only plain types are built (maps, lists, strings, numbers, booleans).
 * Dates stay text: Larder parses times itself. Malformed YAML is an error naming the file, line
 * and column.
 */
public final class YamlFiles {
    /** Aliases one file may use; far more than a feature repository needs. */
    static final int MAX_ALIASES = 50;

    private YamlFiles() {
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        DumperOptions dump = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dump), dump, options, new NoTimestampResolver());
    }

    /** The top-level mapping of a YAML file; an empty file gives an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LarderException(file + ": file not found");
        } catch (IOException e) {
            throw new LarderException(file + ": cannot read: " + Errors.reason(e), e);
        }
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        Object tree;
        try {
            tree = yaml().load(text);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : ": line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new LarderException(file + where + ": malformed YAML: " + what);
        } catch (YAMLException e) {
            throw new LarderException(file + ": malformed YAML: " + e.getMessage());
        }
        if (tree == null) {
            return new LinkedHashMap<>();
        }
        if (!(tree instanceof Map)) {
            throw new LarderException(file + ": expected a mapping of keys to values at the top level");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) tree).entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return out;
    }

    /** YAML 1.1's implicit types without timestamps: {@code 2024-01-01} stays the text it is. */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.INT, INT, "-+0123456789");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.MERGE, MERGE, "<");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
        }
    }
}
