package dev.larder.config;

import dev.larder.LarderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlFilesTest {
    @TempDir
    Path dir;

    private Map<String, Object> read(String text) throws Exception {
        Path f = dir.resolve("f.yaml");
        Files.writeString(f, text);
        return YamlFiles.readMap(f);
    }

    @Test
    void anchorsAndAliasesResolve() throws Exception {
        Map<String, Object> m = read("paths:\n  p: &p data/reg.json\n  t: &ttl 2h\nregistry: *p\nview:\n  ttl: *ttl\n  base: &base {a: 1}\n  other: *base\n");
        assertThat(m.get("registry")).isEqualTo("data/reg.json");
        assertThat(((Map<?, ?>) m.get("view")).get("ttl")).isEqualTo("2h");
        assertThat(((Map<?, ?>) m.get("view")).get("other")).isEqualTo(Map.of("a", 1));
    }

    @Test
    void billionLaughsFailsWithAClearError() {
        StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            y.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) y.append(i == 0 ? "" : ",").append('*').append(prev);
            y.append("]\n");
            prev = c;
        }
        assertThatThrownBy(() -> read(y.toString())).isInstanceOf(LarderException.class)
                .hasMessageContaining("f.yaml").hasMessageContaining("malformed YAML").hasMessageContaining("aliases");
    }

    @Test
    void datesStayText() throws Exception {
        assertThat(read("start: 2024-01-01\nat: 2024-01-01T00:00:00Z\nn: 3\nf: 0.5\nb: true\nz: null\n"))
                .containsEntry("start", "2024-01-01").containsEntry("at", "2024-01-01T00:00:00Z")
                .containsEntry("n", 3).containsEntry("f", 0.5).containsEntry("b", true).containsEntry("z", null);
    }

    @Test
    void duplicateKeysAreAnError() {
        assertThatThrownBy(() -> read("project: a\nproject: b\n")).isInstanceOf(LarderException.class)
                .hasMessageContaining("line 2").hasMessageContaining("duplicate key project");
    }

    @Test
    void unreadableFileSaysWhy() throws Exception {
        Path f = dir.resolve("secret.yaml");
        Files.writeString(f, "a: 1\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        boolean root = Files.isReadable(f);
        if (root) {
            // root reads anything: a directory in the file's place gives an OS reason instead.
            Path d = Files.createDirectory(dir.resolve("dir.yaml"));
            assertThatThrownBy(() -> YamlFiles.readMap(d)).isInstanceOf(LarderException.class)
                    .hasMessageStartingWith(d + ": cannot read: ").hasMessageContaining("directory");
        } else {
            assertThatThrownBy(() -> YamlFiles.readMap(f)).hasMessage(f + ": cannot read: permission denied");
        }
        assertThat(List.of(root, !root)).contains(true);
    }
}
