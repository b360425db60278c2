package dev.larder.store.bigtable;

import dev.larder.testing.FreePorts;
import dev.larder.testing.bigtable.BigtableEmulator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher: loopback, a free port, one shared instance per JVM, and nothing left after stop. */
class BigtableEmulatorTest {
    @Test
    void sharedIsStartedOnceAndListensOnLoopback() {
        BigtableEmulator shared = BigtableEmulator.shared();
        assertThat(BigtableEmulator.shared()).isSameAs(shared);
        assertThat(shared.hostPort()).isEqualTo("127.0.0.1:" + shared.port());
        assertThat(FreePorts.isOpen(shared.port())).isTrue();
    }

    @Test
    void stopKillsTheEmulatorAndItsWrapper() {
        BigtableEmulator own = BigtableEmulator.start();
        List<ProcessHandle> processes = new ArrayList<>();
        ProcessHandle.of(own.pid()).ifPresent(p -> {
            processes.add(p);
            p.descendants().forEach(processes::add);
        });
        assertThat(processes).as("the wrapper shell and its children").anyMatch(p -> p.info().command().orElse("").endsWith("cbtemulator"));
        own.stop();
        assertThat(FreePorts.isOpen(own.port())).isFalse();
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(own.isAlive()).isFalse();
    }
}
