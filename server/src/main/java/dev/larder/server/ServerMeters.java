package dev.larder.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry {@code GET /metrics} renders, bound to the served facade's meters:
 * the facade's own registry when it is a Prometheus one (what {@link FeatureServer#start(dev.larder.registry.Repository, ServerOptions)}
 * builds); for a facade on a composite registry (Micrometer's global one, the default), a
 * Prometheus registry added to that composite for the server's life, so the facade's meters appear
 * in it; otherwise (a host's own registry of another kind) a registry of the server's meters only.
 */
final class ServerMeters implements AutoCloseable {
    private final PrometheusMeterRegistry prometheus;
    private final CompositeMeterRegistry addedTo;

    ServerMeters(MeterRegistry facade) {
        if (facade instanceof PrometheusMeterRegistry) {
            prometheus = (PrometheusMeterRegistry) facade;
            addedTo = null;
        } else {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            if (facade instanceof CompositeMeterRegistry) {
                addedTo = (CompositeMeterRegistry) facade;
                addedTo.add(prometheus);
            } else {
                addedTo = null;
            }
        }
    }

    PrometheusMeterRegistry registry() {
        return prometheus;
    }

    @Override
    public void close() {
        if (addedTo != null) addedTo.remove(prometheus);
    }
}
