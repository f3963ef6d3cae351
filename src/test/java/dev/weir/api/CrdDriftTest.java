package dev.weir.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.crdv2.generator.CRDGenerator;

/**
 * The CRD users install is generated from the Java types; the copies committed under crds/ and
 * the chart must be that output byte for byte. Run with {@code -Dweir.crd.update=true} to
 * rewrite them after changing the API.
 */
class CrdDriftTest {

    static final String FILE = StreamJob.CRD_NAME + "-v1.yml";
    static final List<Path> COMMITTED = List.of(Path.of("crds", FILE), Path.of("helm", "weir", "crds", FILE));

    @Test
    void committedCrdsMatchTheGeneratedOne(@TempDir Path out) throws IOException {
        new CRDGenerator().inOutputDir(out.toFile()).forCRDVersions("v1")
                .customResourceClasses(StreamJob.class).generate();
        String generated = Files.readString(out.resolve(FILE));
        if (Boolean.getBoolean("weir.crd.update")) {
            for (Path copy : COMMITTED) {
                Files.createDirectories(copy.getParent());
                Files.writeString(copy, generated);
            }
        }
        for (Path copy : COMMITTED) {
            assertThat(copy).as(copy + " is stale: run mvn test -Dtest=CrdDriftTest -Dweir.crd.update=true").exists();
            assertThat(Files.readString(copy)).as(copy + " is stale: run mvn test -Dtest=CrdDriftTest -Dweir.crd.update=true")
                    .isEqualTo(generated);
        }
    }
}
