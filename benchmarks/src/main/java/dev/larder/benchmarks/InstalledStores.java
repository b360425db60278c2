package dev.larder.benchmarks;

import dev.larder.OnlineStores;

/**
 * Prints the online store types installed on the class path (through the SPI), comma-separated:
 * bench/run.sh passes them to JMH as {@code -p storeType=...}.
 */
public final class InstalledStores {
    private InstalledStores() {
    }

    public static void main(String[] args) {
        System.out.println(String.join(",", OnlineStores.installed().all().keySet()));
    }
}
