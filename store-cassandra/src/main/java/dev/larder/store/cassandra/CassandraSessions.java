package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.metadata.Node;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Opens the one {@link CqlSession} of a store from its options. Problems the options cause (a
 * host that does not resolve, a data center the cluster lacks) are configuration errors naming
 * the file and key; a cluster that cannot be reached is an {@link OnlineStoreException}.
 *
 * <p>Options not exposed by Larder can still be tuned the driver's own way: its
 * {@code application.conf} on the class path or {@code -Ddatastax-java-driver.<path>=<value>};
 * the options set here win over both.
 */
final class CassandraSessions {
    private CassandraSessions() {
    }

    /**
     * @param options the options {@code config} was read from, to report problems against
     */
    static CqlSession open(CassandraStoreConfig config, StoreOptions options, String project) {
        List<InetSocketAddress> contactPoints = contactPoints(config, options);
        ProgrammaticDriverConfigLoaderBuilder driverOptions = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.SESSION_NAME, "larder-" + project)
                .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, config.localDc())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout());
        config.protocolVersion().ifPresent(v -> driverOptions.withString(DefaultDriverOption.PROTOCOL_VERSION, "V" + v));
        CqlSessionBuilder builder = CqlSession.builder().addContactPoints(contactPoints).withConfigLoader(driverOptions.build());
        if (config.username().isPresent() && config.password().isPresent()) {
            builder.withAuthCredentials(config.username().get(), config.password().get().reveal());
        }
        CqlSession session;
        try {
            session = builder.build();
        } catch (RuntimeException e) {
            throw CassandraFailures.of(OnlineStoreException.Operation.CONNECT, describe(config), "cannot connect (online_store.hosts and port)", e);
        }
        // The driver only warns when no node is in local_dc and then has nobody to send requests to: fail now instead.
        Set<String> dcs = session.getMetadata().getNodes().values().stream().map(Node::getDatacenter).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!dcs.contains(config.localDc())) {
            session.close();
            options.problem("load_balancing.local_dc", "'" + config.localDc() + "' is not a data center of the Cassandra cluster at "
                    + describe(config) + "; its data centers are " + dcs);
            options.validate();
        }
        return session;
    }

    /** Hosts as socket addresses: {@code host}, {@code host:port}, {@code [ipv6]:port} or a bare IPv6 address. */
    static List<InetSocketAddress> contactPoints(CassandraStoreConfig config, StoreOptions options) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String entry : config.hosts()) {
            String host = entry;
            int port = config.port();
            int colon = entry.lastIndexOf(':');
            if (entry.startsWith("[") && entry.contains("]")) {
                host = entry.substring(1, entry.indexOf(']'));
                String rest = entry.substring(entry.indexOf(']') + 1);
                if (rest.matches(":\\d{1,5}")) port = Integer.parseInt(rest.substring(1));
            } else if (colon > 0 && colon == entry.indexOf(':') && entry.substring(colon + 1).matches("\\d{1,5}")) {
                host = entry.substring(0, colon);
                port = Integer.parseInt(entry.substring(colon + 1));
            }
            if (port < 1 || port > 65535) {
                options.problem("hosts", "'" + entry + "' has port " + port + "; ports are 1 to 65535");
                continue;
            }
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) out.add(new InetSocketAddress(a, port));
            } catch (UnknownHostException e) {
                options.problem("hosts", "'" + entry + "' cannot be resolved (unknown host); give a host name or address of a Cassandra node");
            }
        }
        options.validate();
        return out;
    }

    /** Where the store connects, for messages: hosts, port and keyspace, never credentials. */
    static String describe(CassandraStoreConfig config) {
        List<String> hosts = new ArrayList<>();
        for (String h : config.hosts()) hosts.add(h.matches(".*:\\d+$") && !h.contains("::") ? h : h + ":" + config.port());
        return String.join(",", hosts) + " (keyspace " + config.keyspace() + ")";
    }
}
