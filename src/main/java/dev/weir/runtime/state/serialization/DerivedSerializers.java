package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializers derived from a type, once, for plain data: primitives and their boxes, String,
 * byte[], enums, and records whose components are these, nested records, or {@code List}/{@code Map}
 * of them (with their element types spelled out). Anything else is refused with the path to the
 * component that cannot be derived.
 */
final class DerivedSerializers {

    private DerivedSerializers() {}

    /** Whether {@link #of} can derive a serializer for {@code type}. */
    static boolean derivable(Class<?> type) {
        try {
            of(type);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static <T> TypeSerializer<T> of(Class<T> type) {
        @SuppressWarnings("unchecked")
        TypeSerializer<T> serializer = (TypeSerializer<T>) forType(type, type.getName(), new HashSet<>());
        return serializer;
    }

    private static TypeSerializer<?> forType(Type type, String path, Set<Class<?>> enclosing) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (raw == List.class) {
                return Types.list(nullable(forType(arguments[0], path + "<element>", enclosing)));
            }
            if (raw == Map.class) {
                return map(forType(arguments[0], path + "<key>", enclosing),
                        nullable(forType(arguments[1], path + "<value>", enclosing)));
            }
            throw refused(path, type, "only List<...> and Map<...> are derived among generic types");
        }
        if (!(type instanceof Class<?> c)) {
            throw refused(path, type, "its type is not concrete: give the element types (List<String>, not List<T>)");
        }
        TypeSerializer<?> simple = simple(c);
        if (simple != null) {
            return simple;
        }
        if (c.isEnum()) {
            return enumSerializer(c);
        }
        if (c.isRecord()) {
            if (!enclosing.add(c)) {
                throw refused(path, type, "the record contains itself");
            }
            List<TypeSerializer<?>> components = new ArrayList<>();
            for (RecordComponent component : c.getRecordComponents()) {
                components.add(forType(component.getGenericType(), path + "." + component.getName(), enclosing));
            }
            enclosing.remove(c);
            @SuppressWarnings({"unchecked", "rawtypes"})
            TypeSerializer<?> record = new RecordSerializer(c, components);
            return record;
        }
        if (c == List.class || c == Map.class) {
            throw refused(path, type, "give its element types as a record component (List<String>), or use Types.list(...)");
        }
        throw refused(path, type, "only primitives, their boxes, String, byte[], enums, records, and List/Map of these"
                + " are derived; give this type a TypeSerializer");
    }

    private static TypeSerializer<?> simple(Class<?> c) {
        if (c == long.class || c == Long.class) {
            return Types.LONG;
        }
        if (c == int.class || c == Integer.class) {
            return Types.INT;
        }
        if (c == double.class || c == Double.class) {
            return Types.DOUBLE;
        }
        if (c == boolean.class || c == Boolean.class) {
            return Types.BOOLEAN;
        }
        if (c == String.class) {
            return Types.STRING;
        }
        if (c == byte[].class) {
            return Types.BYTES;
        }
        if (c == float.class || c == Float.class) {
            return PrimitiveSerializers.FLOAT;
        }
        if (c == short.class || c == Short.class) {
            return PrimitiveSerializers.SHORT;
        }
        if (c == byte.class || c == Byte.class) {
            return PrimitiveSerializers.BYTE;
        }
        if (c == char.class || c == Character.class) {
            return PrimitiveSerializers.CHAR;
        }
        return null;
    }

    private static IllegalArgumentException refused(String path, Type type, String why) {
        return new IllegalArgumentException("cannot derive a serializer for " + path + " (" + type.getTypeName() + "): " + why);
    }

    /** Enum constants by name, so reordering the constants keeps state readable. */
    private static <E extends Enum<E>> TypeSerializer<E> enumSerializer(Class<?> type) {
        @SuppressWarnings("unchecked")
        Class<E> enumType = (Class<E>) type;
        return new TypeSerializer<>() {
            @Override
            public void serialize(E value, DataOutput out) throws IOException {
                out.writeUTF(value.name());
            }

            @Override
            public E deserialize(DataInput in) throws IOException {
                return Enum.valueOf(enumType, in.readUTF());
            }

            @Override
            public E copy(E value) {
                return value;
            }
        };
    }

    /** A presence byte, then the value: for elements and map values that may be null. */
    private static <T> TypeSerializer<T> nullable(TypeSerializer<T> values) {
        return new TypeSerializer<>() {
            @Override
            public void serialize(T value, DataOutput out) throws IOException {
                out.writeBoolean(value != null);
                if (value != null) {
                    values.serialize(value, out);
                }
            }

            @Override
            public T deserialize(DataInput in) throws IOException {
                return in.readBoolean() ? values.deserialize(in) : null;
            }

            @Override
            public T copy(T value) {
                return value == null ? null : values.copy(value);
            }
        };
    }

    /** Maps keep their iteration order (a LinkedHashMap on reading). */
    private static <K, V> TypeSerializer<Map<K, V>> map(TypeSerializer<K> keys, TypeSerializer<V> values) {
        return new TypeSerializer<>() {
            @Override
            public void serialize(Map<K, V> map, DataOutput out) throws IOException {
                out.writeInt(map.size());
                for (Map.Entry<K, V> e : map.entrySet()) {
                    keys.serialize(e.getKey(), out);
                    values.serialize(e.getValue(), out);
                }
            }

            @Override
            public Map<K, V> deserialize(DataInput in) throws IOException {
                int size = in.readInt();
                if (size < 0) {
                    throw new IOException("negative map size " + size);
                }
                Map<K, V> map = new LinkedHashMap<>(Math.max(4, Math.min(size, 1024) * 2));
                for (int i = 0; i < size; i++) {
                    map.put(keys.deserialize(in), values.deserialize(in));
                }
                return map;
            }

            @Override
            public Map<K, V> copy(Map<K, V> map) {
                Map<K, V> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
                for (Map.Entry<K, V> e : map.entrySet()) {
                    copy.put(keys.copy(e.getKey()), values.copy(e.getValue()));
                }
                return copy;
            }
        };
    }
}
