package dev.larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.Catalog;
import dev.larder.FeatureRef;
import dev.larder.FeatureServiceResolver;
import dev.larder.FeatureStore;
import dev.larder.LarderException;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.json.FeastJson;
import dev.larder.registry.Repository;
import dev.larder.spi.Value;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "get", description = "Read online features for entity rows.")
final class GetCommand implements Callable<Integer> {
    enum Output { table, json }

    @ParentCommand
    LarderCli cli;

    @Option(names = "--features", split = ",", paramLabel = "VIEW:FEATURE",
            description = "Feature references, comma-separated, e.g. driver_hourly_stats:conv_rate,driver_hourly_stats:acc_rate")
    List<String> features;

    @Option(names = "--feature-service", paramLabel = "NAME",
            description = "Read the features of a feature service (instead of --features), e.g. driver_activity")
    String featureService;

    @Option(names = "--entity", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
            description = "One entity row (repeat for more rows), e.g. --entity driver_id=1001 --entity driver_id=1002")
    List<String> entities = new ArrayList<>();

    @Option(names = "--entities-file", paramLabel = "FILE",
            description = "Entity rows from JSON: [{\"driver_id\": 1001}, …] or {\"driver_id\": [1001, 1002]}")
    Path entitiesFile;

    @Option(names = "--full-feature-names", description = "Name features view__feature.")
    boolean fullFeatureNames;

    @Option(names = "--output", defaultValue = "table", description = "table or json (Feast's feature-server response). Default: ${DEFAULT-VALUE}")
    Output output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean hasFeatures = features != null && !features.isEmpty();
        if (!hasFeatures && featureService == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--features=VIEW:FEATURE[,VIEW:FEATURE...]' or '--feature-service=NAME'");
        }
        if (hasFeatures && featureService != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Give either --features or --feature-service, not both");
        }
        if (features != null) for (String f : features) FeatureRef.parse(f); // a bad reference fails before anything is opened
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String e : entities) {
            try {
                rows.add(parseEntity(e));
            } catch (IllegalArgumentException bad) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
            }
        }
        if (entitiesFile != null) rows.addAll(readEntitiesFile(entitiesFile));
        Repository repo = Repository.open(cli.repo());
        Catalog catalog = Catalog.of(repo.appliedRegistry());
        if (rows.isEmpty()) {
            // Entityless views need no keys: one row reads their single value.
            List<String> viewNames = featureService != null
                    ? FeatureServiceResolver.resolve(catalog, featureService).stream().map(p -> p.view()).toList()
                    : features.stream().map(f -> FeatureRef.parse(f).view()).toList();
            boolean allEntityless = viewNames.stream().allMatch(v -> catalog.views().containsKey(v) && catalog.views().get(v).isEntityless());
            if (!allEntityless) {
                throw new LarderException("No entity rows: give --entity KEY=VALUE (repeatable) or --entities-file FILE");
            }
            rows.add(new LinkedHashMap<>());
        }
        try (FeatureStore store = FeatureStore.builder().config(repo.config()).catalog(catalog).clock(cli.clock).build()) {
            OnlineResponse r = featureService != null
                    ? store.getOnlineFeatures(featureService, rows, fullFeatureNames)
                    : store.getOnlineFeatures(features, rows, fullFeatureNames);
            if (output == Output.json) {
                cli.out.println(FeastJson.render(r));
            } else {
                printTable(cli, r);
            }
        }
        return 0;
    }

    static void printTable(LarderCli cli, OnlineResponse r) {
        List<List<String>> table = new ArrayList<>();
        for (int i = 0; i < r.rowCount(); i++) {
            List<String> line = new ArrayList<>();
            for (OnlineResponse.Column c : r.columns()) line.add(cell(c.values().get(i), c.statuses().get(i)));
            table.add(line);
        }
        Tables.print(cli.out, r.featureNames(), table);
    }

    /** A cell of the table output: the value, or the status when there is none. */
    static String cell(Value v, FieldStatus status) {
        if (status == FieldStatus.NOT_FOUND || status == FieldStatus.OUTSIDE_MAX_AGE) return "(" + status + ")";
        if (v == null || v.isNull()) return "null";
        Object o = v.toJava();
        if (o instanceof byte[]) return "base64:" + Base64.getEncoder().encodeToString((byte[]) o);
        return String.valueOf(o);
    }

    /** One entity row from {@code KEY=VALUE[,KEY=VALUE...]}; a malformed or repeated key is a usage error. */
    static Map<String, Object> parseEntity(String spec) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--entity '" + spec + "': expected KEY=VALUE[,KEY=VALUE...], e.g. driver_id=1001");
            }
            String key = part.substring(0, eq).trim();
            if (row.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("--entity '" + spec + "' gives '" + key + "' twice; one --entity is one entity row:"
                        + " repeat --entity for more rows, e.g. --entity " + key + "=1001 --entity " + key + "=1002");
            }
        }
        return row;
    }

    static List<Map<String, Object>> readEntitiesFile(Path file) {
        JsonNode root;
        try {
            root = FeastJson.JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LarderException(file + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new LarderException(file + ": cannot read entity rows: " + dev.larder.config.Errors.reason(e));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        if (root != null && root.isArray()) {
            for (JsonNode n : root) {
                if (!n.isObject()) throw new LarderException(file + ": each entity row must be an object such as {\"driver_id\": 1001}");
                Map<String, Object> row = new LinkedHashMap<>();
                n.fields().forEachRemaining(e -> row.put(e.getKey(), scalar(file, e.getKey(), e.getValue())));
                rows.add(row);
            }
        } else if (root != null && root.isObject()) {
            // Feast's request form: {"driver_id": [1001, 1002]}
            int n = -1;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isArray() || (n >= 0 && e.getValue().size() != n)) {
                    throw new LarderException(file + ": in the {\"key\": [values...]} form every key needs a list of the same length");
                }
                n = e.getValue().size();
            }
            for (int i = 0; i < Math.max(n, 0); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                final int idx = i;
                root.fields().forEachRemaining(e -> row.put(e.getKey(), scalar(file, e.getKey(), e.getValue().get(idx))));
                rows.add(row);
            }
        } else {
            throw new LarderException(file + ": expected a JSON list of entity rows [{\"driver_id\": 1001}, …] or {\"driver_id\": [1001, …]}");
        }
        return rows;
    }

    private static Object scalar(Path file, String key, JsonNode v) {
        if (v.isIntegralNumber()) return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
        // The entities file is read leniently (Python's json.dumps writes NaN and Infinity), but no key is a NaN.
        if (v.isNumber() && !Double.isFinite(v.doubleValue())) {
            throw new LarderException(file + ": entity value of '" + key + "' is " + v.asText() + "; a join key value is a finite number or a string");
        }
        if (v.isNumber()) return v.decimalValue(); // 1002.0 is accepted for an integer key; 1002.5 is not
        if (v.isTextual()) return v.textValue();
        throw new LarderException(file + ": entity value of '" + key + "' must be a number or a string, got " + v);
    }
}
