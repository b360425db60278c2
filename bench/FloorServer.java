import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HTTP floor of bench/load.sh: the server stack `larder serve` runs on (Armeria, from the CLI's
 * jar) answering each POST with a fixed body, the bytes Larder answered for that shape, without
 * reading or writing anything else. Timed with the same hey settings as the real server, it shows
 * what the machine, the load tool and HTTP cost before Larder does any work.
 *
 *   java -cp cli/target/larder.jar bench/FloorServer.java PORT /path=answer.json ...
 */
public final class FloorServer {
    public static void main(String[] args) throws Exception {
        ServerBuilder sb = Server.builder().port(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])),
                com.linecorp.armeria.common.SessionProtocol.HTTP);
        for (int i = 1; i < args.length; i++) {
            String[] route = args[i].split("=", 2);
            byte[] answer = Files.readAllBytes(Path.of(route[1]));
            // The body is read (aggregated) as Larder's server reads it, then the fixed answer goes back from the event loop.
            sb.service(route[0], (ctx, req) -> HttpResponse.from(req.aggregate()
                    .thenApply(ignored -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, answer))));
        }
        sb.service("/health", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{\"status\":\"SERVING\"}"));
        Server server = sb.build();
        server.start().join();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop().join()));
    }
}
