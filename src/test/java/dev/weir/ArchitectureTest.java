package dev.weir;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The dependency rules of design §3, checked on the compiled main classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.weir");

    @Test
    void runtimeDependsOnNoOperatorKubernetesOrQuarkusCode() {
        noClasses().that().resideInAPackage("dev.weir.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.weir.operator..", "io.fabric8..", "io.javaoperatorsdk..", "io.quarkus..", "io.quarkiverse..")
                .check(CLASSES);
    }

    @Test
    void runtimeDoesNotReachUpIntoTheLayersThatUseIt() {
        noClasses().that().resideInAPackage("dev.weir.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.weir.coordinator..", "dev.weir.local..", "dev.weir.connectors..", "dev.weir.api..",
                        "dev.weir.examples..")
                .check(CLASSES);
    }

    @Test
    void apiDependsOnNothingInternal() {
        noClasses().that().resideInAPackage("dev.weir.api..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.weir.runtime..", "dev.weir.coordinator..", "dev.weir.local..", "dev.weir.connectors..",
                        "dev.weir.operator..")
                .check(CLASSES);
    }

    /**
     * What runs in a worker (the runtime, the connectors, the example jobs) uses the JDK and the
     * worker's own jars only (pom.xml: the worker-class-path assembly, target/worker/lib), never
     * the operator's or `weir local`'s (Quarkus, fabric8, S3Proxy, YAML...), which workers do not have.
     */
    @Test
    void workerCodeUsesOnlyTheJdkAndTheWorkersJars() {
        classes().that().resideInAnyPackage("dev.weir.runtime..", "dev.weir.connectors..", "dev.weir.examples..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "javax..", "jdk..", "org.eclipse.jetty..", "org.bouncycastle.asn1..",
                        "dev.weir.runtime..", "dev.weir.connectors..", "dev.weir.examples..",
                        "com.fasterxml.jackson.core..", "com.fasterxml.jackson.databind..",
                        "com.fasterxml.jackson.annotation..", "org.slf4j..", "io.minio..", "okhttp3..",
                        "org.apache.kafka..", "org.postgresql..", "org.rocksdb..",
                        // a worker's own Prometheus endpoint (WorkerPrometheusMetrics)
                        "io.micrometer..", "io.prometheus.client..",
                        // the workers' SLF4J binding, configured in code (WeirLogbackConfigurator)
                        "ch.qos.logback..")
                .check(CLASSES);
    }

    /**
     * The operator and the coordinator never load a job's classes (issue 11): the job's graph comes
     * from the workers' registrations, so no user code runs in the operator's JVM.
     */
    @Test
    void operatorAndCoordinatorNeverReachTheJobLoader() {
        noClasses().that().resideInAnyPackage("dev.weir.operator..", "dev.weir.coordinator..")
                .should().transitivelyDependOnClassesThat().belongToAnyOf(
                        dev.weir.runtime.usercode.UserCode.class, dev.weir.runtime.dataflow.JobDefinition.class)
                .check(CLASSES);
    }

    /** The test kit ships with Weir for users' tests: nothing else in Weir uses it, and it uses only the runtime. */
    @Test
    void testKitIsUsedByNoMainCodeAndUsesOnlyTheRuntime() {
        noClasses().that().resideOutsideOfPackage("dev.weir.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.weir.testkit..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.weir.testkit..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.weir.api..", "dev.weir.coordinator..", "dev.weir.local..", "dev.weir.connectors..",
                        "dev.weir.operator..", "dev.weir.examples..", "io.fabric8..", "io.quarkus..")
                .check(CLASSES);
    }

    @Test
    void connectorsUseOnlyRuntimeApis() {
        noClasses().that().resideInAPackage("dev.weir.connectors..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.weir.coordinator..", "dev.weir.local..", "dev.weir.operator..", "dev.weir.runtime.exec..")
                .check(CLASSES);
    }
}
