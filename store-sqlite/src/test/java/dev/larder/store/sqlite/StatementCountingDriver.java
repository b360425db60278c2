package dev.larder.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Counts the SQL statements executed on SQLite connections: SQLite has no server and sqlite-jdbc
 * no statement counter, so a "request" of an embedded store is one statement execution (one
 * {@code sqlite3_step} loop over one prepared statement). Installed in place of sqlite-jdbc's own
 * {@link org.sqlite.JDBC} driver in {@link DriverManager}, it opens connections through that
 * driver and wraps them; the store under test does not know it is counted.
 */
final class StatementCountingDriver implements Driver {
    private static final AtomicLong EXECUTED = new AtomicLong();
    private static volatile boolean installed;

    private final Driver sqlite = new org.sqlite.JDBC();

    private StatementCountingDriver() {
    }

    /** Replaces sqlite-jdbc's driver (idempotent); every SQLite connection opened afterwards is counted. */
    static synchronized void install() throws SQLException {
        if (installed) return;
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d instanceof org.sqlite.JDBC) DriverManager.deregisterDriver(d);
        }
        DriverManager.registerDriver(new StatementCountingDriver());
        installed = true;
    }

    /** Statements executed so far on counted connections (a batch counts once). */
    static long executed() {
        return EXECUTED.get();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection real = sqlite.connect(url, info);
        return real == null ? null : proxy(Connection.class, real);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target) {
        InvocationHandler h = (p, m, args) -> invoke(target, m, args);
        return (T) Proxy.newProxyInstance(StatementCountingDriver.class.getClassLoader(), interfacesOf(target, type), h);
    }

    private static Class<?>[] interfacesOf(Object target, Class<?> type) {
        if (target instanceof java.sql.CallableStatement) return new Class<?>[] {java.sql.CallableStatement.class};
        if (target instanceof java.sql.PreparedStatement) return new Class<?>[] {java.sql.PreparedStatement.class};
        return new Class<?>[] {type};
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        if (target instanceof Statement && m.getName().startsWith("execute") && !isCheckpoint(args)) EXECUTED.incrementAndGet();
        Object result;
        try {
            result = m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof Statement && m.getName().matches("prepareStatement|createStatement|prepareCall")) {
            return proxy(Statement.class, (Statement) result);
        }
        return result;
    }

    /** The store's checkpoints run on a thread of their own whenever a write committed: housekeeping, not requests. */
    private static boolean isCheckpoint(Object[] args) {
        return args != null && args.length > 0 && args[0] instanceof String sql && sql.startsWith("PRAGMA wal_checkpoint");
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return sqlite.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return sqlite.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return sqlite.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return sqlite.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
