package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSchemaTest {

    private static final List<Class<?>> POJOS = List.of(
            StreamJobSpec.class, JobSpec.class, CheckpointingSpec.class, StorageSpec.class,
            SecretKeySelectorSpec.class, RestartPolicySpec.class, ResourcesSpec.class,
            StreamJobStatus.class, Condition.class, CheckpointInfo.class);

    /** The descriptions become the CRD schema that `kubectl explain streamjob.spec` prints. */
    @Test
    void everyFieldHasADescription() {
        for (Class<?> pojo : POJOS) {
            for (Field field : pojo.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                JsonPropertyDescription description = field.getAnnotation(JsonPropertyDescription.class);
                assertThat(description).as(pojo.getSimpleName() + "." + field.getName()).isNotNull();
                assertThat(description.value()).as(pojo.getSimpleName() + "." + field.getName()).isNotBlank();
            }
        }
    }

    @Test
    void everyPojoHasAPublicNoArgConstructor() throws Exception {
        for (Class<?> pojo : POJOS) {
            assertThat(Modifier.isPublic(pojo.getConstructor().getModifiers())).as(pojo.getSimpleName()).isTrue();
        }
    }

    @Test
    void statusRoundTripsThroughJsonWithKubernetesSpelling() throws Exception {
        StreamJobStatus status = new StreamJobStatus();
        status.setPhase(JobPhase.Running);
        status.setObservedGeneration(3L);
        status.getConditions().add(new Condition(Condition.READY, Condition.TRUE, "Running", "2/2 workers", "2025-01-01T00:00:00Z"));
        status.setLastCheckpoint(new CheckpointInfo(42, "s3://weir/weir/default/j/checkpoints/chk-42", "2025-01-01T00:00:01Z", 120, 4096));
        status.setDesiredWorkers(2);
        status.setReadyWorkers(2);

        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(status);
        assertThat(json).contains("\"phase\":\"Running\"").doesNotContain("null").doesNotContain("lastSavepoint");

        StreamJobStatus back = mapper.readValue(json, StreamJobStatus.class);
        assertThat(back.getPhase()).isEqualTo(JobPhase.Running);
        assertThat(back.getConditions()).singleElement().extracting(Condition::getType).isEqualTo("Ready");
        assertThat(back.getLastCheckpoint().getId()).isEqualTo(42);
    }

    @Test
    void specSerializesWithoutNullsAndReadsBack() throws Exception {
        StreamJobSpec spec = new StreamJobSpec();
        spec.getJob().setClassName("com.example.MyJob");
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(spec);
        assertThat(json).doesNotContain("null").contains("\"pathStyle\":true");
        assertThat(mapper.readValue(json, StreamJobSpec.class).getJob().getClassName()).isEqualTo("com.example.MyJob");
    }
}
