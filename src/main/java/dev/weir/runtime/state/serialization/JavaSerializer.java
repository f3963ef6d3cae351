package dev.weir.runtime.state.serialization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.Objects;

/**
 * Java serialization of any Serializable, length-prefixed. Reading resolves classes through the
 * given class loader: left to itself, ObjectInputStream would look in the loader of the code on
 * the stack (Weir's), which cannot see the classes of a job jar.
 */
final class JavaSerializer<T extends Serializable> implements TypeSerializer<T> {

    private final ClassLoader classLoader;

    JavaSerializer(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    }

    @Override
    public void serialize(T value, DataOutput out) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(buffer)) {
            oos.writeObject(value);
        }
        Types.BYTES.serialize(buffer.toByteArray(), out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(DataInput in) throws IOException {
        byte[] bytes = Types.BYTES.deserialize(in);
        try (ObjectInputStream ois = new ClassLoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            return (T) ois.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("cannot deserialize: class " + e.getMessage() + " not found", e);
        }
    }

    private static final class ClassLoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader classLoader;

        ClassLoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
            super(in);
            this.classLoader = classLoader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(description.getName(), false, classLoader);
            } catch (ClassNotFoundException e) {
                // primitive types ("int") have no class file; the default knows them
                return super.resolveClass(description);
            }
        }
    }
}
