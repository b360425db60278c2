package dev.larder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.LarderFeatures;
import dev.larder.OnlineStores;
import dev.larder.json.FeastJson;
import dev.larder.spi.Capability;
import dev.larder.spi.CapabilitySupport;
import dev.larder.spi.OnlineStoreProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "stores", description = "List the online store backends on the class path with their functionality matrix.")
final class StoresCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    GetCommand.Output output;

    @Override
    public Integer call() throws JsonProcessingException {
        Map<String, OnlineStoreProvider> all = OnlineStores.installed().all();
        if (output == GetCommand.Output.json) {
            ObjectNode root = FeastJson.JSON.createObjectNode();
            ArrayNode stores = root.putArray("stores");
            for (OnlineStoreProvider p : all.values()) {
                ObjectNode s = stores.addObject();
                s.put("type", p.type());
                s.put("provider", p.getClass().getName());
                ObjectNode caps = s.putObject("capabilities");
                for (Capability c : Capability.values()) {
                    CapabilitySupport support = p.capabilities().get(c);
                    if (support == null) caps.put(c.name(), false);
                    else if (!support.isConditional()) caps.put(c.name(), true);
                    else caps.put(c.name(), "with option " + support.option().orElseThrow());
                }
            }
            ObjectNode larder = root.putObject("larder");
            for (LarderFeatures f : LarderFeatures.values()) larder.put(f.name(), f.supported());
            cli.out.println(FeastJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        List<String> header = new ArrayList<>();
        header.add("capability");
        header.addAll(all.keySet());
        List<List<String>> rows = new ArrayList<>();
        for (Capability c : Capability.values()) {
            List<String> row = new ArrayList<>();
            row.add(c.description());
            for (OnlineStoreProvider p : all.values()) {
                CapabilitySupport support = p.capabilities().get(c);
                row.add(support == null ? "no" : support.toString());
            }
            rows.add(row);
        }
        for (LarderFeatures f : LarderFeatures.values()) {
            List<String> row = new ArrayList<>();
            row.add(f.description() + " (Larder)");
            for (int i = 0; i < all.size(); i++) row.add(f.supported() ? "yes" : "no");
            rows.add(row);
        }
        Tables.print(cli.out, header, rows);
        cli.out.println("Rows marked (Larder) are the same for every backend: the facade provides them, or nothing does.");
        return 0;
    }
}
