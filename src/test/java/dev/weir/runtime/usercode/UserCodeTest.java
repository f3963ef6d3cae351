package dev.weir.runtime.usercode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.testing.TestJar;

/** Every way a job class can fail to load or define is a JOB_CLASS failure whose message says what to fix. */
class UserCodeTest {

    private static final String HEADER = """
            package userjob;
            import dev.weir.runtime.dataflow.*;
            """;

    @TempDir
    static Path dir;
    private static LocalJobJar jar;

    @BeforeAll
    static void buildJar() throws IOException {
        Path file = new TestJar()
                .source("userjob.GoodJob", HEADER + """
                        public final class GoodJob implements JobDefinition {
                            public void define(StreamEnvironment env, JobArgs args) {
                                ClassLoader context = Thread.currentThread().getContextClassLoader();
                                if (context != getClass().getClassLoader()) {
                                    throw new IllegalStateException("define() ran with context class loader " + context);
                                }
                                if (args.get("fail", "").equals("argument")) {
                                    throw new IllegalArgumentException("job argument 'keys' must be >= 1 (got 0)");
                                }
                                if (args.get("fail", "").equals("unrecoverable")) {
                                    throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                                            "topic t does not exist");
                                }
                                if (args.get("fail", "").equals("dependency")) {
                                    userlib.Helper.help();
                                }
                            }
                        }
                        """)
                .source("userlib.Helper", """
                        package userlib;
                        public final class Helper { public static void help() {} }
                        """)
                .source("userjob.NeedsLibrary", HEADER + """
                        public final class NeedsLibrary implements JobDefinition {
                            static { userlib.Helper.help(); }
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .source("userjob.NotAJob", HEADER + """
                        public final class NotAJob { }
                        """)
                .source("userjob.AbstractJob", HEADER + """
                        public abstract class AbstractJob implements JobDefinition { }
                        """)
                .source("userjob.NeedsArguments", HEADER + """
                        public final class NeedsArguments implements JobDefinition {
                            public NeedsArguments(String name) {}
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .source("userjob.PackagePrivate", HEADER + """
                        final class PackagePrivate implements JobDefinition {
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .source("userjob.ThrowingConstructor", HEADER + """
                        public final class ThrowingConstructor implements JobDefinition {
                            public ThrowingConstructor() { throw new IllegalStateException("no licence key"); }
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .source("userjob.ThrowingStaticInitializer", HEADER + """
                        public final class ThrowingStaticInitializer implements JobDefinition {
                            static final int VALUE = Integer.parseInt("not a number");
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .source("userjob.FromTheFuture", HEADER + """
                        public final class FromTheFuture implements JobDefinition {
                            public void define(StreamEnvironment env, JobArgs args) {}
                        }
                        """)
                .omit("userlib.Helper")
                // class file major version 99: a Java far newer than this one
                .patch("userjob.FromTheFuture", bytes -> {
                    bytes[6] = 0;
                    bytes[7] = 99;
                    return bytes;
                })
                .build(dir.resolve("work"), dir.resolve("job.jar"));
        jar = new LocalJobJar("file://" + file, file, null);
    }

    @Test
    void loadsTheJobClassFromTheJarAndDefinesWithTheJarsContextClassLoader() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (UserCode code = UserCode.open(jar)) {
            JobDefinition job = code.jobDefinition("userjob.GoodJob");
            assertThat(job.getClass().getClassLoader()).isSameAs(code.classLoader()).isInstanceOf(UserCodeClassLoader.class);
            code.define(job, new StreamEnvironment(1, 128), new JobArgs(Map.of()));
        }
        assertThat(thread.getContextClassLoader()).as("restored after define()").isSameAs(before);
    }

    @Test
    void aClassMissingFromTheJarNamesTheJarAndTheClassesOfThatName() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("com.example.GoodJob"),
                "job class 'com.example.GoodJob' was not found in job jar " + jar.uri() + " (it has userjob.GoodJob)");
    }

    @Test
    void aClassMissingFromTheClassPathSaysNoJarWasGiven() {
        assertJobClassFailure(() -> UserCode.open(null).jobDefinition("com.example.MyJob"),
                "job class 'com.example.MyJob' was not found in Weir's class path (spec.job.jarURI is not set)");
    }

    @Test
    void aMissingDependencyNamesTheMissingClass() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.NeedsLibrary"),
                "job class 'userjob.NeedsLibrary' needs class userlib.Helper (in loading it), which is in neither job jar "
                        + jar.uri() + " nor Weir's class path: a missing dependency of userjob.NeedsLibrary;"
                        + " shade it into the job jar (with Weir itself as a provided dependency)");
    }

    @Test
    void aMissingDependencyInDefineNamesTheMissingClass() {
        try (UserCode code = UserCode.open(jar)) {
            JobDefinition job = code.jobDefinition("userjob.GoodJob");
            assertJobClassFailure(() -> code.define(job, new StreamEnvironment(1, 128), new JobArgs(Map.of("fail", "dependency"))),
                    "job class 'userjob.GoodJob' needs class userlib.Helper (in define()), which is in neither job jar");
        }
    }

    @Test
    void aClassThatIsNoJobDefinitionSaysSo() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.NotAJob"),
                "job class 'userjob.NotAJob' does not implement dev.weir.runtime.dataflow.JobDefinition");
    }

    @Test
    void anAbstractClassAsksForAConcreteOne() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.AbstractJob"),
                "job class 'userjob.AbstractJob' is abstract; name a concrete class in spec.job.className");
    }

    @Test
    void aClassWithoutAPublicNoArgumentConstructorSaysSo() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.NeedsArguments"),
                "job class 'userjob.NeedsArguments' needs a public no-argument constructor");
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.PackagePrivate"),
                "job class 'userjob.PackagePrivate' must be public");
    }

    @Test
    void aThrowingConstructorOrStaticInitializerGivesWhatItThrew() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.ThrowingConstructor"),
                "the constructor of job class 'userjob.ThrowingConstructor' threw java.lang.IllegalStateException: no licence key");
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.ThrowingStaticInitializer"),
                "job class 'userjob.ThrowingStaticInitializer': a static initializer threw (in loading it):"
                        + " java.lang.NumberFormatException: For input string: \"not a number\"");
    }

    @Test
    void aClassCompiledForANewerJavaSaysSo() {
        assertJobClassFailure(() -> UserCode.open(jar).jobDefinition("userjob.FromTheFuture"),
                "job class 'userjob.FromTheFuture' (or a class it uses) was compiled for a newer Java than this worker's Java "
                        + Runtime.version().feature());
    }

    @Test
    void defineThrowingFailsTheJobWithItsOwnMessage() {
        try (UserCode code = UserCode.open(jar)) {
            JobDefinition job = code.jobDefinition("userjob.GoodJob");
            assertJobClassFailure(() -> code.define(job, new StreamEnvironment(1, 128), new JobArgs(Map.of("fail", "argument"))),
                    "job class 'userjob.GoodJob' failed in define(): java.lang.IllegalArgumentException:"
                            + " job argument 'keys' must be >= 1 (got 0)");
        }
    }

    @Test
    void aJobThatDefinesAnInvalidGraphSaysWhatIsWrong() {
        try (UserCode code = UserCode.open(jar)) {
            JobDefinition job = code.jobDefinition("userjob.GoodJob");
            assertJobClassFailure(() -> code.buildGraph(job, 1, 128, new JobArgs(Map.of())),
                    "job class 'userjob.GoodJob' defined an invalid job: the job defines no sink");
        }
    }

    @Test
    void anUnrecoverableFailureFromDefineKeepsItsKind() {
        try (UserCode code = UserCode.open(jar)) {
            JobDefinition job = code.jobDefinition("userjob.GoodJob");
            assertThatThrownBy(() -> code.define(job, new StreamEnvironment(1, 128),
                    new JobArgs(Map.of("fail", "unrecoverable"))))
                    .isInstanceOfSatisfying(UnrecoverableJobException.class, e -> {
                        assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).isEqualTo("topic t does not exist");
                    });
        }
    }

    private static void assertJobClassFailure(ThrowingCallable call, String messageStart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UnrecoverableJobException.class, e -> {
            assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.JOB_CLASS);
            assertThat(e.getMessage()).startsWith(messageStart);
        });
    }
}
