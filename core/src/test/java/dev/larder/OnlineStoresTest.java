package dev.larder;

import dev.larder.spi.Capability;
import dev.larder.spi.ConfigException;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreProvider;
import dev.larder.spi.StoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery only: the providers below are never asked to store anything (their create() throws),
 * they exist to exercise how ServiceLoader results are indexed and reported.
 */
class OnlineStoresTest {
    @TempDir
    Path dir;

    public static class AlphaProvider implements OnlineStoreProvider {
        @Override public String type() { return "alpha"; }
        @Override public java.util.Map<Capability, dev.larder.spi.CapabilitySupport> capabilities() {
            return java.util.Map.of(Capability.WRITE, dev.larder.spi.CapabilitySupport.always(), Capability.READ, dev.larder.spi.CapabilitySupport.always());
        }
        @Override public OnlineStore create(StoreContext context) { throw new UnsupportedOperationException("discovery test only"); }
    }

    public static class OtherAlphaProvider extends AlphaProvider {
    }

    public static class BetaProvider extends AlphaProvider {
        @Override public String type() { return "beta"; }
    }

    private ClassLoader loaderListing(Class<?>... providers) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        StringBuilder sb = new StringBuilder();
        for (Class<?> c : providers) sb.append(c.getName()).append('\n');
        Files.writeString(services.resolve(OnlineStoreProvider.class.getName()), sb);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void findsProvidersByType() throws IOException {
        OnlineStores stores = OnlineStores.load(loaderListing(AlphaProvider.class, BetaProvider.class));
        assertThat(stores.all().keySet()).containsExactly("alpha", "beta");
        assertThat(stores.get("beta", "x")).isInstanceOf(BetaProvider.class);
    }

    @Test
    void unknownTypeListsTheAvailableOnes() throws IOException {
        OnlineStores stores = OnlineStores.load(loaderListing(AlphaProvider.class, BetaProvider.class));
        assertThatThrownBy(() -> stores.get("redsi", "feature_store.yaml: online_store.type"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("feature_store.yaml: online_store.type: Unknown online store type 'redsi'. Available: [alpha, beta]");
    }

    @Test
    void knownFirstPartyTypeMissingFromTheClassPathNamesTheArtifact() throws IOException {
        OnlineStores stores = OnlineStores.load(loaderListing(AlphaProvider.class));
        assertThatThrownBy(() -> stores.get("cassandra", "feature_store.yaml: online_store.type"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'cassandra' is not on the class path")
                .hasMessageContaining("dev.larder:larder-store-cassandra");
    }

    @Test
    void duplicateTypeFailsNamingBothClasses() throws IOException {
        ClassLoader loader = loaderListing(AlphaProvider.class, OtherAlphaProvider.class);
        assertThatThrownBy(() -> OnlineStores.load(loader))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("type 'alpha'")
                .hasMessageContaining(AlphaProvider.class.getName())
                .hasMessageContaining(OtherAlphaProvider.class.getName());
    }
}
