package dev.larder.cli;

import dev.larder.registry.Repository;
import dev.larder.server.FeatureServer;
import dev.larder.server.ServerOptions;
import dev.larder.spi.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "serve", description = {
        "Serve the repository's features over Feast's feature-server API until stopped (Ctrl-C or SIGTERM: requests in flight finish first).",
        "HTTP/JSON (Feast's paths): POST /get-online-features, /push, /write-to-online-store, /materialize,"
                + " /materialize-incremental; GET /health. gRPC on the same port: feast.serving.ServingService, grpc.health.v1.Health."
                + " See docs/server.md."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    LarderCli cli;

    @Option(names = "--host", defaultValue = ServerOptions.DEFAULT_HOST, description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "Port (Feast's default; 0 picks a free one). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM): serve HTTPS only. Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--max-request-bytes", defaultValue = "" + ServerOptions.DEFAULT_MAX_REQUEST_BYTES,
            description = "Larger request bodies are answered 413. Default: ${DEFAULT-VALUE} (10 MiB)")
    long maxRequestBytes;

    @Option(names = "--max-entity-rows", defaultValue = "" + ServerOptions.DEFAULT_MAX_ENTITY_ROWS,
            description = "More entity rows (or pushed rows) in one request are answered 413. Default: ${DEFAULT-VALUE}")
    int maxEntityRows;

    @Option(names = "--request-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "Requests not answered within this time get 504. Default: ${DEFAULT-VALUE}")
    String requestTimeout;

    @Option(names = "--shutdown-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long a stopping server lets requests in flight finish. Default: ${DEFAULT-VALUE}")
    String shutdownTimeout;

    @Override
    public Integer call() {
        ServerOptions options = new ServerOptions(host, port, tlsCert, tlsKey, maxRequestBytes, maxEntityRows,
                duration("--request-timeout", requestTimeout), duration("--shutdown-timeout", shutdownTimeout));
        Repository repo = Repository.open(cli.repo());
        FeatureServer server = FeatureServer.start(repo, options);
        Thread stopper = new Thread(() -> {
            server.close();
            cli.out.println("Stopped.");
            cli.out.flush();
        }, "larder-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        cli.out.println(server.startupLine());
        cli.out.flush();
        server.whenClosed().join();
        return 0;
    }

    private static java.time.Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + text + "': " + e.getMessage());
        }
    }
}
