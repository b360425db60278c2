package dev.larder.benchmarks.env;

import dev.larder.testing.cassandra.CassandraNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The servers one {@code bench/run.sh} shares between its JMH forks, started once instead of once
 * per fork: a Cassandra node (it takes tens of seconds to start, and about a dozen forks use it).
 * Writes {@code LARDER_BENCH_CASSANDRA=127.0.0.1:<port>} into the file given as argument once the
 * node answers CQL, then runs until it is terminated; the launcher's shutdown hook stops the node
 * and deletes its files. The script exports the variable to JMH, whose forks inherit it
 * ({@link CassandraEnvironment} then reaches that node instead of starting its own).
 *
 * <pre>java -cp benchmarks.jar dev.larder.benchmarks.env.RunServers target/servers.env &amp;</pre>
 */
public final class RunServers {
    private RunServers() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: RunServers <file to write the servers' addresses into>");
            System.exit(2);
        }
        CassandraNode node = CassandraNode.start();
        Path out = Path.of(args[0]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, CassandraEnvironment.SHARED_NODE + "=" + node.host() + ":" + node.cqlPort() + "\n");
        Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Started " + node + " for the run");
        new CountDownLatch(1).await(); // until SIGTERM: the node's shutdown hook stops it
    }
}
