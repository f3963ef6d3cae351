package dev.weir.runtime.usercode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which classes a {@link UserCodeClassLoader} always takes from Weir's class path rather than the
 * job jar (Flink's {@code classloader.parent-first-patterns}). A class must come from Weir's side
 * when an object of it crosses between Weir and the job: two copies of one class are two different
 * types to the JVM, and the hand-over fails with a ClassCastException or LinkageError.
 *
 * <ul>
 *   <li>Every package of the JDK, read from the boot module layer, and nothing more: so
 *       {@code javax.xml.parsers} (JDK) is parent-first, but {@code javax.annotation} or
 *       {@code javax.inject} (libraries the JDK no longer ships) come from the jar.</li>
 *   <li>{@code dev.weir.}: the API the job is compiled against (JobDefinition, DataStream,
 *       TypeSerializer, the connectors), which Weir calls and which calls Weir.</li>
 *   <li>{@code org.slf4j.} and {@code ch.qos.logback.}: the job logs through the worker's logging
 *       set-up; a jar that bundles slf4j-api would otherwise log nowhere.</li>
 *   <li>{@code org.apache.kafka.}: the Kafka connector hands {@code ConsumerRecord}s to the job's
 *       deserializer and takes {@code ProducerRecord}s from its serializer. A job that needs another
 *       kafka-clients version must relocate (shade) it.</li>
 * </ul>
 * Everything else, Jackson and Guava included, is child-first: Weir uses them inside its own code
 * and never hands their objects to the job, so the job may bring any version.
 */
public final class ParentFirstPackages {

    /** Prefixes of class names (and, with '/' for '.', of resource names) that are parent-first. */
    public static final List<String> WEIR_PREFIXES = List.of("dev.weir.", "org.slf4j.", "ch.qos.logback.",
            "org.apache.kafka.");

    private static final ParentFirstPackages DEFAULTS = new ParentFirstPackages(jdkPackages(), WEIR_PREFIXES);

    private final Set<String> exactPackages;
    private final List<String> classPrefixes;
    private final List<String> resourcePrefixes;

    ParentFirstPackages(Set<String> exactPackages, List<String> classPrefixes) {
        this.exactPackages = Set.copyOf(exactPackages);
        this.classPrefixes = List.copyOf(classPrefixes);
        this.resourcePrefixes = classPrefixes.stream().map(p -> p.replace('.', '/')).toList();
    }

    /** The JDK's packages plus {@link #WEIR_PREFIXES}. */
    public static ParentFirstPackages defaults() {
        return DEFAULTS;
    }

    public boolean isParentFirstClass(String className) {
        int lastDot = className.lastIndexOf('.');
        if (lastDot > 0 && exactPackages.contains(className.substring(0, lastDot))) {
            return true;
        }
        for (String prefix : classPrefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A resource such as {@code org/slf4j/impl/X.class} or {@code META-INF/services/...}. */
    public boolean isParentFirstResource(String resourceName) {
        String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        int lastSlash = name.lastIndexOf('/');
        if (lastSlash > 0 && exactPackages.contains(name.substring(0, lastSlash).replace('/', '.'))) {
            return true;
        }
        for (String prefix : resourcePrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The packages of the modules the JVM booted with: the JDK's own (on the class path, Weir is no module). */
    private static Set<String> jdkPackages() {
        Set<String> packages = new HashSet<>();
        for (Module module : ModuleLayer.boot().modules()) {
            packages.addAll(module.getPackages());
        }
        return packages;
    }
}
