package dev.weir.local;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.weir.api.JobSpec;
import dev.weir.api.KubernetesNames;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import dev.weir.api.StreamJobSpec;
import dev.weir.api.StreamJobSpecValidator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a StreamJob manifest, the same YAML a user would {@code kubectl apply}, and checks it
 * as strictly as the cluster would: unknown fields, wrong types and rule violations are all
 * reported with the field's path, so a manifest that runs locally also applies cleanly.
 */
public final class ManifestLoader {

    public static final String API_VERSION = "weir.dev/v1alpha1";
    public static final String KIND = "StreamJob";

    // `status` is allowed (and ignored) so the output of `kubectl get -o yaml` loads too.
    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> METADATA_FIELDS = Set.of("name", "namespace", "labels", "annotations");

    private final ObjectMapper mapper = strictYamlMapper();

    /**
     * Reads {@code file}; a relative {@code spec.job.jarURI} becomes a file:// URI relative to the file's directory.
     *
     * @throws IOException the file cannot be read; the message names it and says why ("not found")
     * @throws InvalidManifestException it is not a valid StreamJob, e.g. not UTF-8 text
     */
    public StreamJobManifest load(Path file) throws IOException, InvalidManifestException {
        StreamJobManifest manifest = parse(ManifestFile.read(file), file.toString());
        JobSpec job = manifest.spec().getJob();
        if (job.getJarURI() != null && !job.getJarURI().contains("://")) {
            Path directory = file.toAbsolutePath().getParent();
            job.setJarURI(directory.resolve(job.getJarURI()).normalize().toUri().toString());
        }
        return manifest;
    }

    /** Parses {@code yaml}; {@code source} names it in error messages (usually the file name). */
    public StreamJobManifest parse(String yaml, String source) throws InvalidManifestException {
        JsonNode root = readSingleDocument(yaml, source);
        List<String> problems = new ArrayList<>();
        if (!root.isObject()) {
            throw new InvalidManifestException(source,
                    List.of("expected a StreamJob mapping at the top level (got " + MappingErrorDescriber.describeValue(root) + ")"));
        }
        unknownFields(root, "", TOP_LEVEL_FIELDS, problems);
        String apiVersion = expectConstant(root, "apiVersion", API_VERSION, problems);
        String kind = expectConstant(root, "kind", KIND, problems);
        String name = null;
        String namespace = null;
        JsonNode metadata = root.path("metadata");
        if (!metadata.isObject()) {
            problems.add("metadata: required, with at least a name");
        } else {
            unknownFields(metadata, "metadata.", METADATA_FIELDS, problems);
            name = nameField(metadata, "name", true, problems);
            namespace = nameField(metadata, "namespace", false, problems);
        }
        StreamJobSpec spec = readSpec(root.path("spec"), problems);
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(source, problems);
        }
        return new StreamJobManifest(apiVersion, kind, name, namespace, spec);
    }

    private JsonNode readSingleDocument(String yaml, String source) throws InvalidManifestException {
        List<JsonNode> documents = new ArrayList<>();
        // A parser loop rather than readValues(): that would unwrap a top-level list into its elements.
        try (JsonParser parser = mapper.getFactory().createParser(yaml)) {
            while (parser.nextToken() != null) {
                JsonNode document = mapper.readTree(parser);
                // A leading or trailing `---` yields an empty document; that is not a second StreamJob.
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(source, List.of(syntaxError(e)));
        } catch (IOException e) {
            throw new InvalidManifestException(source, List.of("cannot read: " + e.getMessage()));
        }
        if (documents.isEmpty()) {
            throw new InvalidManifestException(source, List.of("empty: expected a StreamJob manifest"));
        }
        if (documents.size() > 1) {
            throw new InvalidManifestException(source,
                    List.of("expected one StreamJob document (found " + documents.size() + ")"));
        }
        return documents.get(0);
    }

    private static String syntaxError(JsonProcessingException e) {
        // SnakeYAML knows where the problem is and what it is; Jackson's copy of its message
        // adds a multi-line excerpt and sometimes points at where the enclosing mapping started.
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)
                    + ": invalid YAML: " + yaml.getProblem();
        }
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return where + original.lines().findFirst().orElse(original).strip();
    }

    private StreamJobSpec readSpec(JsonNode specNode, List<String> problems) {
        if (specNode.isMissingNode() || specNode.isNull()) {
            problems.add("spec: required");
            return null;
        }
        StreamJobSpec spec;
        try {
            spec = mapper.treeToValue(specNode, StreamJobSpec.class);
        } catch (JsonMappingException e) {
            problems.add(MappingErrorDescriber.describe(e, "spec", specNode));
            return null;
        } catch (JsonProcessingException e) {
            problems.add("spec: " + e.getOriginalMessage());
            return null;
        }
        problems.addAll(StreamJobSpecValidator.validate(spec, StreamJobSpecValidator.Target.WEIR_LOCAL));
        return spec;
    }

    private static void unknownFields(JsonNode node, String pathPrefix, Set<String> known, List<String> problems) {
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                problems.add(pathPrefix + field + ": unknown field (known fields: " + String.join(", ", sorted(known)) + ")");
            }
        });
    }

    private static String expectConstant(JsonNode root, String field, String expected, List<String> problems) {
        JsonNode value = root.path(field);
        if (!value.isTextual() || !expected.equals(value.textValue())) {
            String got = value.isMissingNode() ? "missing" : MappingErrorDescriber.describeValue(value);
            problems.add(field + ": expected " + expected + " (got " + got + ")");
        }
        return expected;
    }

    private static String nameField(JsonNode metadata, String field, boolean required, List<String> problems) {
        JsonNode value = metadata.path(field);
        if (value.isMissingNode() || value.isNull()) {
            if (required) {
                problems.add("metadata." + field + ": required");
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.add("metadata." + field + ": expected a string (got " + MappingErrorDescriber.describeValue(value) + ")");
            return null;
        }
        String name = value.textValue();
        // Job names also name the job's Service, which needs a leading letter; namespaces need only a label.
        boolean valid = required ? KubernetesNames.isValidJobName(name) : KubernetesNames.isDns1123Label(name);
        if (!valid) {
            String rule = required ? KubernetesNames.JOB_NAME_RULE : KubernetesNames.LABEL_RULE;
            problems.add("metadata." + field + ": " + rule + " (got \"" + name + "\")");
        }
        return name;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static ObjectMapper strictYamlMapper() {
        YAMLFactory factory = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // `key:` with nothing after it must read as null, i.e. "not set". This is the
                // parser's default, but the builder does not carry it over, so say it explicitly.
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .build();
        return YAMLMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // 2.5 is not a parallelism; the CRD schema would refuse it too.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // `field: null` means "not set" in Kubernetes, so the field keeps its default.
                .defaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP))
                // No quietly converting "2" to 2 or 2 to "2": the cluster's schema would not either.
                // Fields where a YAML number is a fine string (job args) opt in with their own deserializer.
                .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }
}
