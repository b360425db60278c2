package dev.larder.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.logging.Level;

/**
 * The CLI's log setup, done once before anything logs: every library's log lines (SLF4J, and
 * java.util.logging bridged into it) go to stderr through slf4j-simple. Without {@code --verbose}
 * only Larder's own warnings and errors show, and no backend client's (a reconnecting Redis
 * client, the Bigtable client's INFO lines); the command itself reports failures in one line.
 * With {@code --verbose}: everything from INFO up, Larder's from DEBUG, with times.
 */
final class CliLogging {
    private static boolean configured;

    private CliLogging() {
    }

    static synchronized void configure(boolean verbose) {
        if (configured) return; // slf4j-simple reads its settings once per JVM
        configured = true;
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.larder", verbose ? "debug" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", String.valueOf(verbose));
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", String.valueOf(verbose));
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        // Filter in java.util.logging too, so that quiet runs do not even build the records.
        java.util.logging.Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.WARNING);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    /** Whether the command line asks for {@code --verbose}, before picocli parses it. */
    static boolean verboseRequested(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) return true;
            if (a.equals("--")) return false;
        }
        return false;
    }
}
