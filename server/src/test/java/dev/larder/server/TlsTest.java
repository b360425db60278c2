package dev.larder.server;

import dev.larder.feast.proto.serving.FeatureList;
import dev.larder.feast.proto.serving.GetOnlineFeaturesRequest;
import dev.larder.feast.proto.serving.ServingServiceGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --tls-cert/--tls-key: HTTPS with a self-signed certificate made by the JDK's keytool, checked by a client that trusts it. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsOnlyWithTheGivenCertificate() throws Exception {
        SelfSigned cert = SelfSigned.create(dir.resolve("tls"));
        TestRepo repo = TestRepo.sqlite(dir.resolve("repo")).fill();
        try (FeatureServer server = repo.serve(ServerOptions.defaults().withTls(cert.certPem, cert.keyPem))) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            assertThat(server.startupLine()).contains("over TLS");
            Http https = new Http(HttpClient.newBuilder().sslContext(cert.trustingContext()).connectTimeout(Duration.ofSeconds(5)).build(), server.url());
            Http.Reply r = https.post("/get-online-features", GetOnlineFeaturesTest.FEAST_DOC_REQUEST);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().at("/results/3/values").toString()).isEqualTo("[1,2,3]");

            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    TlsChannelCredentials.newBuilder().trustManager(cert.certPem.toFile()).build()).build();
            try {
                assertThat(ServingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
                                .setFeatures(FeatureList.newBuilder().addVal("driver_hourly_stats:avg_daily_trips"))
                                .putEntities("driver_id", GrpcServingTest.int64s(1002)).build())
                        .getResults(1).getValues(0).getInt64Val()).as("gRPC over TLS").isEqualTo(2);
            } finally {
                channel.shutdownNow();
            }

            Http plain = new Http(server.url().replace("https://", "http://"));
            assertThatThrownBy(() -> plain.get("/health")).as("no plain HTTP on a TLS port").isInstanceOf(RuntimeException.class);
            Http untrusting = new Http(server.url());
            assertThatThrownBy(() -> untrusting.get("/health")).as("a client that does not trust the certificate").isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void certWithoutKeyIsRefused() {
        assertThatThrownBy(() -> ServerOptions.defaults().withTls(dir.resolve("cert.pem"), null))
                .hasMessageContaining("--tls-cert").hasMessageContaining("--tls-key");
    }

    /** A self-signed certificate for 127.0.0.1 and localhost, as PEM files (certificate and PKCS#8 key). */
    record SelfSigned(Path keystore, Path certPem, Path keyPem) {
        static final char[] PASSWORD = "changeit".toCharArray();

        static SelfSigned create(Path dir) throws Exception {
            Files.createDirectories(dir);
            Path ks = dir.resolve("server.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "larder", "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, PASSWORD);
            }
            Certificate c = store.getCertificate("larder");
            Key k = store.getKey("larder", PASSWORD);
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY", k.getEncoded()));
            return new SelfSigned(ks, cert, key);
        }

        SSLContext trustingContext() throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, PASSWORD);
            }
            trust.setCertificateEntry("larder", store.getCertificate("larder"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }
}
