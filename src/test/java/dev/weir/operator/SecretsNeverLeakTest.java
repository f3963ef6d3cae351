package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.StreamJob;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;

/** S3 keys and the control token stay in their Secrets: not in status, events, ConfigMaps or pod specs. */
class SecretsNeverLeakTest {

    private final OperatorTestEnv env = new OperatorTestEnv();
    private final JobKey key = new JobKey(NAMESPACE, "counts");

    @AfterEach
    void close() {
        env.close();
    }

    @Test
    void secretValuesAppearNowhereButInSecrets() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        env.deployAndRun("counts");
        String token = env.runtime.current(key).token();
        assertThat(token).hasSizeGreaterThan(20);
        List<Pod> firstPods = env.pods("counts");
        env.runtime.fail(key, "task failed");
        env.reconcile("counts");
        env.now += 10_000;
        env.reconcile("counts");
        StreamJob job = env.reconcile("counts");

        List<String> visible = new ArrayList<>();
        visible.add(Serialization.asJson(job));
        env.client.v1().events().inNamespace(NAMESPACE).list().getItems().forEach(e -> visible.add(Serialization.asJson(e)));
        env.client.configMaps().inNamespace(NAMESPACE).list().getItems().forEach(c -> visible.add(Serialization.asJson(c)));
        firstPods.forEach(p -> visible.add(Serialization.asJson(p)));
        env.pods("counts").forEach(p -> visible.add(Serialization.asJson(p)));
        assertThat(env.client.v1().events().inNamespace(NAMESPACE).list().getItems()).isNotEmpty();
        for (String text : visible) {
            assertThat(text).doesNotContain(OperatorTestEnv.ACCESS_KEY).doesNotContain(OperatorTestEnv.SECRET_KEY)
                    .doesNotContain(token);
        }
        assertThat(env.runtime.current(key).toString()).doesNotContain(token)
                .doesNotContain(OperatorTestEnv.SECRET_KEY);
    }

    @Test
    void workersGetKeysFromSecretRefsAndTheTokenFromAMountedFile() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 1));
        env.reconcile("counts");
        List<EnvVar> envVars = env.pods("counts").get(0).getSpec().getContainers().get(0).getEnv();
        assertThat(envVars).noneMatch(e -> e.getName().equals("WEIR_JOB_TOKEN"));
        assertThat(envVars).filteredOn(e -> e.getName().equals("WEIR_JOB_TOKEN_FILE")).singleElement()
                .extracting(EnvVar::getValue).isEqualTo("/var/run/weir/token/token");
        EnvVar secretKey = envVars.stream().filter(e -> e.getName().equals("WEIR_S3_SECRET_KEY")).findFirst().orElseThrow();
        assertThat(secretKey.getValue()).isNull();
        assertThat(secretKey.getValueFrom().getSecretKeyRef().getName()).isEqualTo("weir-s3");
        assertThat(secretKey.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("secretKey");
    }
}
