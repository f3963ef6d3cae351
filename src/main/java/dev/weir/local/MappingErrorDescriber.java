package dev.weir.local;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns Jackson's binding errors into the {@code field.path: problem} form users see, because
 * Jackson's own messages name Java classes and token types rather than the manifest's fields.
 */
final class MappingErrorDescriber {

    private MappingErrorDescriber() {
    }

    /**
     * @param error the binding error for the tree {@code node}
     * @param rootPath the manifest path of {@code node}, e.g. {@code spec}
     */
    static String describe(JsonMappingException error, String rootPath, JsonNode node) {
        StringBuilder path = new StringBuilder(rootPath);
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference ref : error.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
                pointer = pointer.appendProperty(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
                pointer = pointer.appendIndex(ref.getIndex());
            }
        }
        if (error instanceof UnrecognizedPropertyException unknown) {
            return unknownField(path.toString(), unknown);
        }
        if (error instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            JsonNode actual = node.at(pointer);
            String got = actual.isMissingNode() ? "" : " (got " + describeValue(actual) + ")";
            return path + ": expected " + describeType(mismatch.getTargetType()) + got;
        }
        return path + ": " + error.getOriginalMessage();
    }

    private static String unknownField(String path, UnrecognizedPropertyException error) {
        String name = error.getPropertyName();
        // Jackson normally has already put the unknown name at the end of the path; be sure it is there once.
        String fullPath = path.endsWith("." + name) ? path : path + "." + name;
        TreeSet<String> known = new TreeSet<>();
        if (error.getKnownPropertyIds() != null) {
            error.getKnownPropertyIds().forEach(id -> known.add(id.toString()));
        }
        return fullPath + ": unknown field" + (known.isEmpty() ? "" : " (known fields: " + String.join(", ", known) + ")");
    }

    static String describeValue(JsonNode value) {
        if (value.isTextual()) {
            return "\"" + value.textValue() + "\"";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.asText();
    }

    private static String describeType(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || !type.isPrimitive()) {
            return "a mapping";
        }
        return type.getSimpleName();
    }
}
