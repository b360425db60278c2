package dev.larder.spi;

import java.util.List;

/**
 * Invalid configuration. The message has one line per problem, each naming the file, the YAML
 * path, the value at fault (never a secret) and what is allowed.
 */
public class ConfigException extends IllegalArgumentException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
