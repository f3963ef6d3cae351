package dev.weir.runtime.state.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.usercode.ParentFirstPackages;
import dev.weir.runtime.usercode.UserCodeClassLoader;
import dev.weir.testing.TestJar;

/** Java serialization finds classes of a job jar through the class loader it is given, not Weir's. */
class JavaSerializerTest {

    @TempDir
    Path dir;

    @Test
    void readsObjectsOfClassesThatOnlyTheJobJarHas() throws Exception {
        Path jar = new TestJar().source("userjob.Reading", """
                package userjob;
                public record Reading(long sensor, java.util.List<String> tags) implements java.io.Serializable {}
                """).build(dir.resolve("work"), dir.resolve("job.jar"));
        try (UserCodeClassLoader loader = new UserCodeClassLoader(jar, getClass().getClassLoader(),
                ParentFirstPackages.defaults())) {
            Class<?> type = loader.loadClass("userjob.Reading");
            Serializable reading = (Serializable) type.getConstructor(long.class, java.util.List.class)
                    .newInstance(7L, java.util.List.of("a", "b"));

            Object back = roundTrip(Types.java(loader), reading);
            assertThat(back).isEqualTo(reading).isNotSameAs(reading);
            assertThat(back.getClass()).isSameAs(type);

            // Weir's own class loader cannot see the job's classes.
            assertThatThrownBy(() -> roundTrip(Types.java(getClass().getClassLoader()), reading))
                    .isInstanceOf(IOException.class).hasMessage("cannot deserialize: class userjob.Reading not found");

            // java() takes the context class loader of its caller, as in define().
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            TypeSerializer<Serializable> fromDefine;
            thread.setContextClassLoader(loader);
            try {
                fromDefine = Types.java();
            } finally {
                thread.setContextClassLoader(before);
            }
            assertThat(roundTrip(fromDefine, reading)).isEqualTo(reading);
        }
    }

    @Test
    void readsJdkTypesAndPrimitiveArrays() throws IOException {
        TypeSerializer<Serializable> serializer = Types.java(getClass().getClassLoader());
        assertThat(roundTrip(serializer, new int[] {1, 2, 3})).isEqualTo(new int[] {1, 2, 3});
        assertThat(roundTrip(serializer, new java.util.ArrayList<>(java.util.List.of("x", 1L))))
                .isEqualTo(java.util.List.of("x", 1L));
    }

    private static Object roundTrip(TypeSerializer<Serializable> serializer, Serializable value) throws IOException {
        DataOutputBuffer out = new DataOutputBuffer(64);
        serializer.serialize(value, out);
        DataInputBuffer in = new DataInputBuffer();
        byte[] bytes = out.toByteArray();
        in.reset(bytes, 0, bytes.length);
        return serializer.deserialize(in);
    }
}
