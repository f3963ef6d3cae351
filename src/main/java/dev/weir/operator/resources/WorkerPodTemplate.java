package dev.weir.operator.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.weir.runtime.worker.WorkerVariable;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * A StreamJob's {@code spec.podTemplate}, read as a Kubernetes pod template: the pod-level fields
 * and sidecars the worker pods take over, and the container named {@value WorkerPodDesired#CONTAINER},
 * which is merged into Weir's worker container (as Flink merges {@code flink-main-container}).
 * {@link #problems()} lists what would be wrong to merge, by field path, never by value.
 */
public final class WorkerPodTemplate {

    static final String FIELD = "spec.podTemplate";

    private final PodTemplateSpec template;
    private final List<String> problems;

    private WorkerPodTemplate(PodTemplateSpec template, List<String> problems) {
        this.template = template;
        this.problems = List.copyOf(problems);
    }

    /** Reads the template; one that does not bind is kept as a problem (and as an empty template). */
    public static WorkerPodTemplate of(Map<String, Object> podTemplate) {
        if (podTemplate == null) {
            return new WorkerPodTemplate(new PodTemplateSpec(), List.of());
        }
        try {
            // fabric8's model binds any JSON object; unknown fields stay in additionalProperties.
            PodTemplateSpec template = new ObjectMapper().convertValue(podTemplate, PodTemplateSpec.class);
            return new WorkerPodTemplate(template, workerContainerProblems(template));
        } catch (IllegalArgumentException e) {
            return new WorkerPodTemplate(new PodTemplateSpec(), List.of(bindingProblem(e)));
        }
    }

    /** Each problem as {@code field.path: problem}; empty when the template can be merged. */
    public List<String> problems() {
        return problems;
    }

    public Map<String, String> labels() {
        return template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of() : template.getMetadata().getLabels();
    }

    public Map<String, String> annotations() {
        return template.getMetadata() == null || template.getMetadata().getAnnotations() == null
                ? Map.of() : template.getMetadata().getAnnotations();
    }

    /** The template's pod spec, never null; the caller may change it (each template is read afresh). */
    PodSpec podSpec() {
        if (template.getSpec() == null) {
            template.setSpec(new PodSpec());
        }
        return template.getSpec();
    }

    /** The template's {@value WorkerPodDesired#CONTAINER} container, or null. */
    Container workerContainer() {
        return containers(template).stream().filter(WorkerPodTemplate::isWorker).findFirst().orElse(null);
    }

    /** The template's other containers (sidecars), as given. */
    List<Container> sidecars() {
        return containers(template).stream().filter(c -> !isWorker(c)).toList();
    }

    private static boolean isWorker(Container container) {
        return WorkerPodDesired.CONTAINER.equals(container.getName());
    }

    private static List<Container> containers(PodTemplateSpec template) {
        return template.getSpec() == null || template.getSpec().getContainers() == null
                ? List.of() : template.getSpec().getContainers();
    }

    private static List<String> workerContainerProblems(PodTemplateSpec template) {
        List<String> problems = new ArrayList<>();
        List<Container> containers = containers(template);
        Set<String> reserved = WorkerVariable.reservedNames(true);
        for (int i = 0; i < containers.size(); i++) {
            Container container = containers.get(i);
            if (!isWorker(container)) {
                continue;
            }
            String path = FIELD + ".spec.containers[" + i + "]";
            if (container.getCommand() != null && !container.getCommand().isEmpty()
                    || container.getArgs() != null && !container.getArgs().isEmpty()) {
                problems.add(path + ".command/args: Weir starts the worker itself; pass JVM options in the"
                        + " JAVA_TOOL_OPTIONS variable (env) instead");
            }
            List<EnvVar> env = container.getEnv() == null ? List.of() : container.getEnv();
            for (int j = 0; j < env.size(); j++) {
                if (reserved.contains(env.get(j).getName())) {
                    problems.add(path + ".env[" + j + "].name: " + env.get(j).getName() + " is set by Weir on every"
                            + " worker and cannot be overridden (docs/operator.md lists the variables Weir sets)");
                }
            }
            if (!container.getAdditionalProperties().isEmpty()) {
                problems.add(path + ": unknown field" + (container.getAdditionalProperties().size() > 1 ? "s " : " ")
                        + container.getAdditionalProperties().keySet().stream().sorted()
                                .collect(Collectors.joining(", ")));
            }
        }
        return problems;
    }

    /** Where the template failed to bind and what was expected there; the value itself is left out. */
    private static String bindingProblem(IllegalArgumentException e) {
        if (!(e.getCause() instanceof JsonMappingException mapping)) {
            return FIELD + ": not a pod template";
        }
        StringBuilder path = new StringBuilder(FIELD);
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        String expected = mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                ? " (expected " + describe(mismatch.getTargetType()) + ")" : "";
        return path + ": wrong type" + expected;
    }

    private static String describe(Class<?> type) {
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.getName().startsWith("io.fabric8")) {
            return "an object";
        }
        return type == String.class ? "a string" : type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
