package dev.larder.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.larder.LarderException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads YAML files into plain maps; malformed YAML is an error naming the file, line and column. */
public final class YamlFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private YamlFiles() {
    }

    /** The top-level mapping of a YAML file; an empty file gives an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new LarderException(file + ": file not found");
        } catch (IOException e) {
            throw new LarderException(file + ": cannot read: " + e.getMessage());
        }
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            Object tree = YAML.readValue(text, Object.class);
            if (tree == null) {
                return new LinkedHashMap<>();
            }
            if (!(tree instanceof Map)) {
                throw new LarderException(file + ": expected a mapping of keys to values at the top level");
            }
            return (Map<String, Object>) tree;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : ": line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new LarderException(file + where + ": malformed YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }
}
