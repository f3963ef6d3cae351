package dev.weir.testing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Job jars that lack a class their job needs, as a user's jar does when a dependency was not
 * shaded in: one job needs it to build its graph ({@link #AT_BUILD}), the other only when a record
 * arrives ({@link #AT_RUN}). Either way no restart can find the class.
 */
public final class MissingDependencyJars {

    public static final String AT_BUILD = "userjob.NeedsLibraryToBuild";
    public static final String AT_RUN = "userjob.NeedsLibraryToRun";
    /** The class both jobs need and neither jar contains. */
    public static final String MISSING = "userjob.lib.Pricing";

    private MissingDependencyJars() {}

    /** Builds the jar of {@code jobClass} into {@code dir}; returns it. */
    public static Path build(String jobClass, Path dir) throws IOException {
        String simpleName = jobClass.substring(jobClass.lastIndexOf('.') + 1);
        String define = jobClass.equals(AT_BUILD) ? """
                        userjob.lib.Pricing.check(args.get("currency", "EUR"));
                        env.fromSource(dev.weir.connectors.generator.GeneratorSource.sequence(1000), "generator")
                                .returns(dev.weir.runtime.state.serialization.Types.LONG)
                                .sinkTo(new dev.weir.connectors.discard.DiscardSink<>()).uid("sink");
                """ : """
                        env.fromSource(dev.weir.connectors.generator.GeneratorSource.sequence(1000), "generator")
                                .returns(dev.weir.runtime.state.serialization.Types.LONG)
                                .keyBy(v -> v % 4, dev.weir.runtime.state.serialization.Types.LONG)
                                .process(new Price()).uid("price")
                                .sinkTo(new dev.weir.connectors.discard.DiscardSink<>()).uid("sink");
                """;
        String source = """
                package userjob;

                import dev.weir.runtime.dataflow.JobArgs;
                import dev.weir.runtime.dataflow.JobDefinition;
                import dev.weir.runtime.dataflow.StreamEnvironment;
                import dev.weir.runtime.dataflow.functions.Collector;
                import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;

                public class %s implements JobDefinition {
                    @Override
                    public void define(StreamEnvironment env, JobArgs args) {
                %s    }

                    public static final class Price extends KeyedProcessFunction<Long, Long, Long> {
                        @Override
                        public void processElement(Long value, Context<Long> context, Collector<Long> out) {
                            out.collect(userjob.lib.Pricing.cents(value));
                        }
                    }
                }
                """.formatted(simpleName, define);
        return new TestJar()
                .source(jobClass, source)
                .source(MISSING, """
                        package userjob.lib;

                        public class Pricing {
                            public static void check(String currency) {}

                            public static long cents(long value) {
                                return value * 100;
                            }
                        }
                        """)
                .omit(MISSING)
                .build(dir.resolve(simpleName + "-build"), dir.resolve(simpleName + ".jar"));
    }
}
