package dev.larder.config;

import dev.larder.spi.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} in the text values of {@code feature_store.yaml} from the environment,
 * as Feast does, so that secrets need not sit in the file. {@code $${NAME}} stays a literal
 * {@code ${NAME}}. An unset variable is an error naming the file, the key and the variable;
 * the variable's value is never shown.
 */
public final class EnvironmentVariables {
    private static final Pattern REF = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private EnvironmentVariables() {
    }

    /** A copy of the parsed YAML with every {@code ${NAME}} replaced. */
    public static Map<String, Object> expand(String source, Map<String, Object> yaml, Function<String, String> env) {
        List<String> problems = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) expand(source, "", yaml, env, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return out;
    }

    private static Object expand(String source, String path, Object node, Function<String, String> env, List<String> problems) {
        if (node instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                String key = String.valueOf(e.getKey());
                out.put(key, expand(source, path.isEmpty() ? key : path + "." + key, e.getValue(), env, problems));
            }
            return out;
        }
        if (node instanceof List) {
            List<Object> out = new ArrayList<>();
            List<?> list = (List<?>) node;
            for (int i = 0; i < list.size(); i++) out.add(expand(source, path + "[" + i + "]", list.get(i), env, problems));
            return out;
        }
        if (!(node instanceof String) || ((String) node).indexOf("${") < 0) return node;
        Matcher m = REF.matcher((String) node);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().startsWith("$$")) {
                replacement = m.group().substring(1);
            } else {
                replacement = env.apply(m.group(1));
                if (replacement == null) {
                    problems.add(source + ": " + path + ": environment variable " + m.group(1)
                            + " is not set (referenced as ${" + m.group(1) + "}); set it, or write $${" + m.group(1) + "} for a literal");
                    replacement = "";
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
