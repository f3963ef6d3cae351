package dev.weir.runtime.state.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * A Java record written component by component, in declaration order, each with its own
 * serializer (a presence byte first for components that may be null). Built once per type by
 * {@link DerivedSerializers}: the accessors and the canonical constructor are method handles
 * looked up then, so writing and reading a record costs no reflection.
 */
final class RecordSerializer<T extends Record> implements TypeSerializer<T> {

    private static final MethodType READ = MethodType.methodType(Object.class, Object.class);

    private final Class<T> type;
    private final MethodHandle[] accessors;
    /** For long, int and double components: the accessor typed to return the primitive (no boxing on write). */
    private final MethodHandle[] primitiveAccessors;
    private final char[] primitive;
    private final MethodHandle constructor;
    private final TypeSerializer<Object>[] components;
    private final boolean[] nullable;

    @SuppressWarnings("unchecked")
    RecordSerializer(Class<T> type, List<TypeSerializer<?>> componentSerializers) {
        RecordComponent[] recordComponents = type.getRecordComponents();
        this.type = type;
        this.accessors = new MethodHandle[recordComponents.length];
        this.components = new TypeSerializer[recordComponents.length];
        this.nullable = new boolean[recordComponents.length];
        this.primitiveAccessors = new MethodHandle[recordComponents.length];
        this.primitive = new char[recordComponents.length];
        Class<?>[] parameterTypes = new Class<?>[recordComponents.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (int i = 0; i < recordComponents.length; i++) {
                Method accessor = recordComponents[i].getAccessor();
                accessor.setAccessible(true); // records nested privately in a job class
                MethodHandle handle = lookup.unreflect(accessor);
                accessors[i] = handle.asType(READ);
                Class<?> componentType = recordComponents[i].getType();
                if (componentType == long.class || componentType == int.class || componentType == double.class) {
                    primitive[i] = componentType == long.class ? 'J' : componentType == int.class ? 'I' : 'D';
                    primitiveAccessors[i] = handle.asType(MethodType.methodType(componentType, Object.class));
                }
                components[i] = (TypeSerializer<Object>) componentSerializers.get(i);
                parameterTypes[i] = recordComponents[i].getType();
                nullable[i] = !parameterTypes[i].isPrimitive();
            }
            Constructor<T> canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            this.constructor = lookup.unreflectConstructor(canonical)
                    .asSpreader(Object[].class, recordComponents.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot derive a serializer for record " + type.getName() + ": " + e, e);
        }
    }

    @Override
    public void serialize(T value, DataOutput out) throws IOException {
        for (int i = 0; i < accessors.length; i++) {
            if (primitive[i] != 0) {
                writePrimitive(i, value, out);
                continue;
            }
            Object component = read(i, value);
            if (nullable[i]) {
                if (component == null) {
                    out.writeBoolean(false);
                    continue;
                }
                out.writeBoolean(true);
            }
            components[i].serialize(component, out);
        }
    }

    @Override
    public T deserialize(DataInput in) throws IOException {
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = nullable[i] && !in.readBoolean() ? null : components[i].deserialize(in);
        }
        return construct(values);
    }

    @Override
    public T copy(T value) {
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object component = read(i, value);
            values[i] = component == null ? null : components[i].copy(component);
        }
        return construct(values);
    }

    private void writePrimitive(int component, T value, DataOutput out) throws IOException {
        try {
            MethodHandle accessor = primitiveAccessors[component];
            switch (primitive[component]) {
                case 'J' -> out.writeLong((long) accessor.invokeExact((Object) value));
                case 'I' -> out.writeInt((int) accessor.invokeExact((Object) value));
                default -> out.writeDouble((double) accessor.invokeExact((Object) value));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("accessor of " + type.getName() + " failed", e);
        }
    }

    private Object read(int component, T value) {
        try {
            return accessors[component].invokeExact((Object) value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("accessor of " + type.getName() + " failed", e);
        }
    }

    private T construct(Object[] values) {
        try {
            return type.cast(constructor.invokeExact(values));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the canonical constructor of " + type.getName() + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "RecordSerializer[" + type.getName() + "]";
    }
}
