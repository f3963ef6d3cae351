package dev.weir.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Every manifest in k8s-examples/ reads into the Java types the operator uses, and every StreamJob is valid. */
class K8sExamplesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("k8s-examples"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yamls).isNotEmpty();
            return yamls.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void parsesIntoTheJavaTypes(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            YAML.readValues(parser, Map.class).forEachRemaining(doc -> documents.add(castMap(doc)));
        }
        assertThat(documents).as(file.toString()).isNotEmpty();
        for (Map<String, Object> document : documents) {
            String json = JSON.writeValueAsString(document);
            String kind = (String) document.get("kind");
            if ("StreamJob".equals(kind)) {
                assertThat(document.get("apiVersion")).isEqualTo(StreamJob.GROUP + "/" + StreamJob.VERSION);
                StreamJob job = Serialization.unmarshal(json, StreamJob.class);
                assertThat(job.getMetadata().getName()).as(file.toString()).isNotBlank();
                assertThat(StreamJobSpecValidator.validate(job.getSpec())).as(file.toString()).isEmpty();
            } else if ("Secret".equals(kind)) {
                Secret secret = Serialization.unmarshal(json, Secret.class);
                assertThat(secret.getStringData()).as(file.toString()).isNotEmpty();
            } else {
                throw new AssertionError(file + ": unexpected kind " + kind);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object document) {
        return (Map<String, Object>) document;
    }
}
