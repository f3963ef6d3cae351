package dev.weir.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;

/** helm lint and helm template (in-process, helm-java) for both RBAC variants of the chart. */
class WeirChartTest {

    private static final Path CHART = Path.of("helm", "weir");

    @Test
    void lintsClean() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void clusterWideByDefault() {
        List<HasMetadata> objects = render(Map.of());
        assertThat(objects).filteredOn(o -> o instanceof ClusterRole).singleElement()
                .satisfies(role -> assertOnlyJobRules(((ClusterRole) role).getRules()));
        assertThat(objects).filteredOn(o -> o.getKind().equals("ClusterRoleBinding")).hasSize(1);
        assertThat(objects).filteredOn(o -> o instanceof Role).extracting(o -> o.getMetadata().getName())
                .containsExactly("weir-weir-operator-leader-election");
        PodSpec pod = deployment(objects).getSpec().getTemplate().getSpec();
        assertThat(env(deployment(objects), "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("JOSDK_ALL_NAMESPACES");
        assertRestricted(pod);
    }

    @Test
    void namespacedRolesWhenWatchNamespacesIsSet() {
        List<HasMetadata> objects = render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b",
                "leaderElection.enabled", "false"));
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        assertThat(objects).filteredOn(o -> o instanceof Role).extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(objects).filteredOn(o -> o instanceof Role)
                .allSatisfy(role -> assertOnlyJobRules(((Role) role).getRules()));
        assertThat(objects).filteredOn(o -> o.getKind().equals("RoleBinding")).extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(env(deployment(objects), "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("team-a,team-b");
        assertThat(env(deployment(objects), "QUARKUS_OPERATOR_SDK_ACTIVATE_LEADER_ELECTION_FOR_PROFILES"))
                .isEqualTo("leader-election-disabled");
        assertRestricted(deployment(objects).getSpec().getTemplate().getSpec());
    }

    @Test
    void chartCarriesTheGeneratedCrd() throws Exception {
        assertThat(Files.readString(CHART.resolve("crds/streamjobs.weir.dev-v1.yml")))
                .isEqualTo(Files.readString(Path.of("crds/streamjobs.weir.dev-v1.yml")));
    }

    /** Exactly what the operator calls: its own resources, pods, services, config maps, secrets (get/create), events. */
    private static void assertOnlyJobRules(List<PolicyRule> rules) {
        assertThat(rules).flatExtracting(PolicyRule::getResources).containsExactlyInAnyOrder("streamjobs",
                "streamjobs/status", "streamjobs/finalizers", "pods", "services", "configmaps", "secrets", "events");
        assertThat(rules).flatExtracting(PolicyRule::getVerbs).doesNotContain("*");
        PolicyRule secrets = rules.stream().filter(r -> r.getResources().contains("secrets")).findFirst().orElseThrow();
        assertThat(secrets.getVerbs()).containsExactlyInAnyOrder("get", "create");
    }

    private static void assertRestricted(PodSpec pod) {
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = pod.getContainers().get(0).getSecurityContext();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    }

    private static Deployment deployment(List<HasMetadata> objects) {
        return (Deployment) objects.stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow();
    }

    private static String env(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    private static List<HasMetadata> render(Map<String, String> values) {
        var template = new Helm(CHART).template().withName("weir").withNamespace("weir-system").skipCrds();
        values.forEach(template::set);
        String yaml = template.call();
        List<HasMetadata> objects = new java.util.ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(Serialization.unmarshal(document, HasMetadata.class));
            }
        }
        return objects;
    }
}
