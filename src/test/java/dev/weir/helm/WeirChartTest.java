package dev.weir.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.weir.api.StreamJob;
import dev.weir.operator.ResourceNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;

/** helm lint and helm template (in-process, helm-java) for both RBAC variants of the chart. */
class WeirChartTest {

    private static final Path CHART = Path.of("helm", "weir");
    private static final String COMPONENT = ResourceNames.COMPONENT_LABEL;

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
                .containsExactlyInAnyOrder("weir-weir-operator-leader-election", "weir-weir-operator-coordinator-leader");
        PodSpec pod = deployment(objects).getSpec().getTemplate().getSpec();
        assertThat(env(deployment(objects), "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("JOSDK_ALL_NAMESPACES");
        assertThat(env(deployment(objects), "WEIR_OPERATOR_LEADER_ELECTION_ENABLED")).isEqualTo("true");
        assertRestricted(pod);
    }

    /** Workers reach the coordinator through the Service: it must select the leader's pod alone. */
    @Test
    void coordinatorServiceSelectsOnlyTheLeaderPod() {
        List<HasMetadata> objects = render(Map.of("replicas", "2"));
        Service service = (Service) objects.stream().filter(o -> o instanceof Service).findFirst().orElseThrow();
        Deployment deployment = deployment(objects);
        assertThat(service.getSpec().getSelector())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels())
                .containsEntry("weir.dev/coordinator-leader", "true");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .as("the pod template must not carry it: the leader sets it at run time")
                .doesNotContainKey("weir.dev/coordinator-leader");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        // The leader finds its own pod through the downward API.
        var env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).filteredOn(e -> e.getName().equals("WEIR_OPERATOR_POD_NAME")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
        assertThat(env).filteredOn(e -> e.getName().equals("WEIR_OPERATOR_POD_NAMESPACE")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    }

    /** Labelling needs get and patch on pods of the operator's own namespace, and list to find a stale label. */
    @Test
    void leaderLabelRoleIsNarrow() {
        for (Map<String, String> values : List.of(Map.<String, String>of(), Map.of("watchNamespaces[0]", "team-a",
                "leaderElection.enabled", "false"))) {
            Role role = (Role) render(values).stream()
                    .filter(o -> o.getMetadata().getName().equals("weir-weir-operator-coordinator-leader")
                            && o instanceof Role).findFirst().orElseThrow();
            assertThat(role.getMetadata().getNamespace()).isEqualTo("weir-system");
            assertThat(role.getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getResources()).containsExactly("pods");
                assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "patch");
            });
        }
    }

    @Test
    void twoReplicasWithoutLeaderElectionDoNotRender() {
        assertThatThrownBy(() -> render(Map.of("replicas", "2", "leaderElection.enabled", "false")))
                .hasMessageContaining("replicas > 1 needs leaderElection.enabled");
    }

    @Test
    void namespacedRolesWhenWatchNamespacesIsSet() {
        List<HasMetadata> objects = render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b",
                "leaderElection.enabled", "false"));
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        List<HasMetadata> jobRoles = objects.stream().filter(o -> o instanceof Role)
                .filter(o -> o.getMetadata().getName().equals("weir-weir-operator")).toList();
        assertThat(jobRoles).extracting(o -> o.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(jobRoles).allSatisfy(role -> assertOnlyJobRules(((Role) role).getRules()));
        assertThat(objects).filteredOn(o -> o.getKind().equals("RoleBinding")).extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b", "weir-system");
        assertThat(objects).filteredOn(o -> o instanceof Role).extracting(o -> o.getMetadata().getName())
                .doesNotContain("weir-weir-operator-leader-election");
        assertThat(env(deployment(objects), "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("team-a,team-b");
        assertThat(env(deployment(objects), "WEIR_OPERATOR_LEADER_ELECTION_ENABLED")).isEqualTo("false");
        assertRestricted(deployment(objects).getSpec().getTemplate().getSpec());
    }

    /**
     * Issue 13 §6: workers' control port only from the operator's pods (in the release namespace),
     * their data port only from Weir workers, the operator's coordinator port only from workers; the
     * selectors must match the labels the operator really puts on worker pods.
     */
    @Test
    void networkPoliciesLetOnlyTheOperatorAndWorkersReachTheWorkersPorts() {
        assertThat(render(Map.of())).noneMatch(o -> o instanceof NetworkPolicy);
        List<HasMetadata> objects = render(Map.of("networkPolicy.enabled", "true", "watchNamespaces[0]", "team-a",
                "watchNamespaces[1]", "team-b", "leaderElection.enabled", "false"));
        Deployment deployment = deployment(objects);
        Map<String, String> operatorPod = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> workerPod = ResourceNames.workerLabels(job("counts"), 3, 1);
        List<NetworkPolicy> workers = objects.stream().filter(o -> o instanceof NetworkPolicy)
                .map(NetworkPolicy.class::cast).filter(p -> p.getMetadata().getName().endsWith("-workers")).toList();
        assertThat(workers).extracting(p -> p.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        for (NetworkPolicy policy : workers) {
            assertThat(workerPod).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            var ingress = policy.getSpec().getIngress();
            assertThat(ingress).hasSize(2);
            var control = ingress.get(0);
            assertThat(control.getPorts()).singleElement().satisfies(port ->
                    assertThat(port.getPort().getIntVal()).isEqualTo(ResourceNames.CONTROL_PORT));
            assertThat(control.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("kubernetes.io/metadata.name", "weir-system"));
                assertThat(operatorPod).containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
                assertThat(workerPod).doesNotContainEntry(COMPONENT, operatorPod.get(COMPONENT));
            });
            var data = ingress.get(1);
            assertThat(data.getPorts()).singleElement().satisfies(port ->
                    assertThat(port.getPort().getIntVal()).isEqualTo(ResourceNames.DATA_PORT));
            assertThat(data.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector()).as("same namespace only").isNull();
                assertThat(workerPod).containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
                assertThat(operatorPod).doesNotContainEntry(COMPONENT, "worker");
            });
        }
        NetworkPolicy operator = objects.stream().filter(o -> o instanceof NetworkPolicy).map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getNamespace().equals("weir-system")).findFirst().orElseThrow();
        assertThat(operatorPod).containsAllEntriesOf(operator.getSpec().getPodSelector().getMatchLabels());
        var coordinator = operator.getSpec().getIngress().get(0);
        assertThat(coordinator.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort().getIntVal())
                .isEqualTo(6123));
        assertThat(coordinator.getFrom()).extracting(peer -> peer.getNamespaceSelector().getMatchLabels()
                .get("kubernetes.io/metadata.name")).containsExactly("team-a", "team-b");
        assertThat(coordinator.getFrom()).allSatisfy(peer ->
                assertThat(workerPod).containsAllEntriesOf(peer.getPodSelector().getMatchLabels()));
        assertThat(operator.getSpec().getIngress().get(1).getFrom()).as("probes and metrics").isNullOrEmpty();
    }

    @Test
    void networkPoliciesNeedTheWorkersNamespaces() {
        assertThatThrownBy(() -> render(Map.of("networkPolicy.enabled", "true")))
                .hasMessageContaining("networkPolicy.enabled needs the namespaces the workers run in");
        assertThat(render(Map.of("networkPolicy.enabled", "true", "networkPolicy.workerNamespaces[0]", "jobs")))
                .filteredOn(o -> o instanceof NetworkPolicy).extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("jobs", "weir-system");
    }

    /** The dashboard is served on the coordinator port: an Ingress to it only when asked for, never over mutual TLS. */
    @Test
    void dashboardIngressIsOptionalAndReachesTheCoordinatorPort() {
        assertThat(render(Map.of())).noneMatch(o -> o instanceof Ingress);
        List<HasMetadata> objects = render(Map.of("dashboard.ingress.enabled", "true",
                "dashboard.ingress.className", "nginx", "dashboard.ingress.host", "weir.example.com"));
        Service service = (Service) objects.stream().filter(o -> o instanceof Service).findFirst().orElseThrow();
        Ingress ingress = (Ingress) objects.stream().filter(o -> o instanceof Ingress).findFirst().orElseThrow();
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getHost()).isEqualTo("weir.example.com");
            assertThat(rule.getHttp().getPaths()).extracting(p -> p.getPath() + " " + p.getPathType())
                    .containsExactly("/ Exact", "/dashboard Prefix", "/v1/jobs Prefix", "/metrics Exact");
            assertThat(rule.getHttp().getPaths()).allSatisfy(path -> {
                assertThat(path.getBackend().getService().getName()).isEqualTo(service.getMetadata().getName());
                assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("coordinator");
            });
        });
        assertThat(service.getSpec().getPorts()).filteredOn(p -> p.getName().equals("coordinator")).singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(6123));

        assertThatThrownBy(() -> render(Map.of("dashboard.ingress.enabled", "true", "tls.enabled", "true")))
                .hasMessageContaining("dashboard.ingress.enabled needs tls.enabled=false");
        assertThatThrownBy(() -> render(Map.of("dashboard.ingress.enabled", "true", "networkPolicy.enabled", "true",
                "watchNamespaces[0]", "team-a", "leaderElection.enabled", "false")))
                .hasMessageContaining("needs dashboard.ingress.controllerNamespace");
        NetworkPolicy operator = render(Map.of("dashboard.ingress.enabled", "true", "networkPolicy.enabled", "true",
                "watchNamespaces[0]", "team-a", "leaderElection.enabled", "false",
                "dashboard.ingress.controllerNamespace", "ingress-nginx")).stream()
                .filter(o -> o instanceof NetworkPolicy).map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getNamespace().equals("weir-system")).findFirst().orElseThrow();
        assertThat(operator.getSpec().getIngress()).hasSize(3).last().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(port ->
                    assertThat(port.getPort().getIntVal()).isEqualTo(6123));
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> assertThat(
                    peer.getNamespaceSelector().getMatchLabels()).containsExactly(
                    Map.entry("kubernetes.io/metadata.name", "ingress-nginx")));
        });
    }

    /** The pod's scrape annotations by default; a ServiceMonitor only when asked, for both metrics endpoints. */
    @Test
    void metricsAreScrapedThroughPodAnnotationsOrAnOptionalServiceMonitor() {
        List<HasMetadata> defaults = render(Map.of());
        assertThat(deployment(defaults).getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080")
                .containsEntry("prometheus.io/path", "/q/metrics");
        assertThat(defaults).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
        assertThat(deployment(render(Map.of("metrics.podAnnotations", "false"))).getSpec().getTemplate().getMetadata()
                .getAnnotations()).isNullOrEmpty();

        List<HasMetadata> objects = render(Map.of("metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.labels.release", "prometheus"));
        HasMetadata monitor = objects.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        Service service = (Service) objects.stream().filter(o -> o instanceof Service).findFirst().orElseThrow();
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        Map<String, Object> spec = specOf(monitor);
        @SuppressWarnings("unchecked")
        Map<String, String> selected = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        assertThat(service.getMetadata().getLabels()).as("the coordinator Service").containsAllEntriesOf(selected);
        assertThat(endpoints(spec)).extracting(e -> e.get("port") + " " + e.get("path") + " " + e.get("scheme"))
                .containsExactly("http /q/metrics null", "coordinator /metrics null");

        HasMetadata tls = render(Map.of("metrics.serviceMonitor.enabled", "true", "tls.enabled", "true",
                "metrics.serviceMonitor.coordinatorTlsConfig.serverName", "weir-weir-operator.weir-system.svc")).stream()
                .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        assertThat(endpoints(specOf(tls))).last().satisfies(e -> {
            assertThat(e).containsEntry("scheme", "https");
            assertThat(e.get("tlsConfig")).isEqualTo(Map.of("serverName", "weir-weir-operator.weir-system.svc"));
        });
        assertThat(render(Map.of("metrics.serviceMonitor.enabled", "true", "metrics.enabled", "false")))
                .noneMatch(o -> o.getKind().equals("ServiceMonitor"));
    }

    /**
     * The workers' own metrics: a PodMonitor only when asked, selecting the pods the operator
     * really labels as workers, in the workers' namespaces, on the control port; with
     * networkPolicy.enabled, Prometheus let through to that port only when named.
     */
    @Test
    @SuppressWarnings("unchecked")
    void workersAreScrapedThroughAnOptionalPodMonitor() {
        assertThat(render(Map.of())).noneMatch(o -> o.getKind().equals("PodMonitor"));
        HasMetadata monitor = render(Map.of("metrics.podMonitor.enabled", "true", "watchNamespaces[0]", "team-a",
                "metrics.podMonitor.labels.release", "prometheus")).stream()
                .filter(o -> o.getKind().equals("PodMonitor")).findFirst().orElseThrow();
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        Map<String, Object> spec = specOf(monitor);
        Map<String, String> selected = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        assertThat(ResourceNames.workerLabels(job("counts"), 3, 1)).as("worker pods").containsAllEntriesOf(selected);
        assertThat(spec.get("namespaceSelector")).isEqualTo(Map.of("matchNames", List.of("team-a")));
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("podMetricsEndpoints");
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("port", "control").containsEntry("path", "/metrics")
                    .containsEntry("honorLabels", true).doesNotContainKey("scheme");
        });
        HasMetadata everywhere = render(Map.of("metrics.podMonitor.enabled", "true", "tls.enabled", "true",
                "metrics.podMonitor.workerTlsConfig.serverName", "worker")).stream()
                .filter(o -> o.getKind().equals("PodMonitor")).findFirst().orElseThrow();
        assertThat(specOf(everywhere).get("namespaceSelector")).isEqualTo(Map.of("any", true));
        assertThat(((List<Map<String, Object>>) specOf(everywhere).get("podMetricsEndpoints")).get(0))
                .containsEntry("scheme", "https").containsEntry("tlsConfig", Map.of("serverName", "worker"));

        NetworkPolicy workers = render(Map.of("networkPolicy.enabled", "true", "watchNamespaces[0]", "team-a",
                "networkPolicy.workerMetricsFrom[0].namespaceSelector.matchLabels.team", "monitoring")).stream()
                .filter(o -> o instanceof NetworkPolicy).map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getName().endsWith("-workers")).findFirst().orElseThrow();
        assertThat(workers.getSpec().getIngress()).hasSize(3);
        var metrics = workers.getSpec().getIngress().get(1);
        assertThat(metrics.getPorts()).singleElement().satisfies(port ->
                assertThat(port.getPort().getIntVal()).isEqualTo(ResourceNames.CONTROL_PORT));
        assertThat(metrics.getFrom()).singleElement().satisfies(peer ->
                assertThat(peer.getNamespaceSelector().getMatchLabels()).containsExactly(Map.entry("team", "monitoring")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> specOf(HasMetadata resource) {
        return (Map<String, Object>) ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) resource)
                .getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> endpoints(Map<String, Object> spec) {
        return (List<Map<String, Object>>) spec.get("endpoints");
    }

    /** With tls.enabled the operator reads its certificate from the Secret and workers call it over https. */
    @Test
    void tlsMountsTheOperatorsSecretAndNamesTheWorkersOne() {
        Deployment plain = deployment(render(Map.of()));
        assertThat(env(plain, "WEIR_OPERATOR_COORDINATOR_URL")).startsWith("http://");
        assertThat(plain.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .noneMatch(e -> e.getName().startsWith("WEIR_OPERATOR_TLS") || e.getName().contains("WORKER_TLS"));

        Deployment tls = deployment(render(Map.of("tls.enabled", "true", "tls.secretName", "op-cert",
                "tls.workerSecretName", "job-cert")));
        assertThat(env(tls, "WEIR_OPERATOR_COORDINATOR_URL")).isEqualTo("https://weir-weir-operator.weir-system.svc:6123");
        assertThat(env(tls, "WEIR_OPERATOR_TLS_DIR")).isEqualTo("/etc/weir/tls");
        assertThat(env(tls, "WEIR_OPERATOR_WORKER_TLS_SECRET")).isEqualTo("job-cert");
        PodSpec pod = tls.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tls")).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("op-cert"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getName().equals("tls"))
                .singleElement().satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/weir/tls");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertRestricted(pod);
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

    private static StreamJob job(String name) {
        StreamJob job = new StreamJob();
        job.getMetadata().setName(name);
        return job;
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
