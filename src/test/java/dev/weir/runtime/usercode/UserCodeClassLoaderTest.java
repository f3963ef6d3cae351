package dev.weir.runtime.usercode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.base.Ascii;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.testing.TestJar;

/**
 * The user-code class loader: the jar's own classes and resources win, except in the packages that
 * must be shared with Weir; a user's copy of a library Weir also uses lives beside Weir's.
 */
class UserCodeClassLoaderTest {

    private static final ClassLoader WEIR = UserCodeClassLoaderTest.class.getClassLoader();

    @TempDir
    static Path dir;
    private static Path jar;

    @BeforeAll
    static void buildJar() throws IOException {
        jar = new TestJar()
                // A user's own "Guava" (Weir has the real one on its class path).
                .source("com.google.common.base.Ascii", """
                        package com.google.common.base;
                        public final class Ascii {
                            public static String origin() { return "the job's copy"; }
                        }
                        """)
                // Weir's API and the shared client libraries, mistakenly bundled into the jar.
                .source("dev.weir.runtime.dataflow.JobArgs", """
                        package dev.weir.runtime.dataflow;
                        public final class JobArgs { public static String origin() { return "the job's copy"; } }
                        """)
                .source("org.slf4j.LoggerFactory", """
                        package org.slf4j;
                        public final class LoggerFactory { public static String origin() { return "the job's copy"; } }
                        """)
                .source("org.apache.kafka.clients.consumer.ConsumerRecord", """
                        package org.apache.kafka.clients.consumer;
                        public final class ConsumerRecord { }
                        """)
                .source("userjob.Uses", """
                        package userjob;
                        public final class Uses {
                            public static String guava() { return com.google.common.base.Ascii.origin(); }
                        }
                        """)
                .resource("userjob/settings.properties", "from=jar")
                .resource("META-INF/weir-test-shared.txt", "jar")
                .resource("dev/weir/weir-test-shared.txt", "jar")
                .build(dir.resolve("work"), dir.resolve("user.jar"));
    }

    private static UserCodeClassLoader loader() {
        return new UserCodeClassLoader(jar, WEIR, ParentFirstPackages.defaults());
    }

    @Test
    void takesTheJarsOwnCopyOfALibraryThatWeirAlsoHas() throws Exception {
        try (UserCodeClassLoader loader = loader()) {
            Class<?> users = loader.loadClass("com.google.common.base.Ascii");
            assertThat(users.getClassLoader()).isSameAs(loader);
            assertThat(users.getMethod("origin").invoke(null)).isEqualTo("the job's copy");
            // The job's own classes link against the job's copy too.
            assertThat(loader.loadClass("userjob.Uses").getMethod("guava").invoke(null)).isEqualTo("the job's copy");
        }
    }

    @Test
    void aUsersCopyOfALibraryDoesNotReplaceWeirs() throws Exception {
        try (UserCodeClassLoader loader = loader()) {
            Class<?> users = loader.loadClass("com.google.common.base.Ascii");
            assertThat(users).isNotSameAs(Ascii.class);
            assertThat(Class.forName("com.google.common.base.Ascii", false, WEIR)).isSameAs(Ascii.class);
            assertThat(Ascii.toLowerCase("WEIR")).isEqualTo("weir");
        }
    }

    @Test
    void takesWeirsApiAndSharedClientLibrariesFromWeirEvenWhenTheJarBundlesThem() throws Exception {
        try (UserCodeClassLoader loader = loader()) {
            assertThat(loader.loadClass("dev.weir.runtime.dataflow.JobArgs")).isSameAs(JobArgs.class);
            assertThat(loader.loadClass("org.slf4j.LoggerFactory")).isSameAs(org.slf4j.LoggerFactory.class);
            assertThat(loader.loadClass("org.apache.kafka.clients.consumer.ConsumerRecord"))
                    .isSameAs(org.apache.kafka.clients.consumer.ConsumerRecord.class);
            assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
        }
    }

    @Test
    void findsClassesTheJarLacksOnWeirsClassPath() throws Exception {
        try (UserCodeClassLoader loader = loader()) {
            assertThat(loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                    .isSameAs(com.fasterxml.jackson.databind.ObjectMapper.class);
            assertThatThrownBy(() -> loader.loadClass("userjob.DoesNotExist")).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void findsTheJarsResourcesFirstExceptInSharedPackages() throws Exception {
        try (UserCodeClassLoader loader = loader()) {
            assertThat(read(loader.getResource("userjob/settings.properties"))).isEqualTo("from=jar");
            assertThat(loader.getResourceAsStream("userjob/settings.properties")).isNotNull();
            // Weir's test resources have a file of the same name under META-INF: the jar's comes first.
            List<URL> shared = Collections.list(loader.getResources("META-INF/weir-test-shared.txt"));
            assertThat(shared).hasSize(2);
            assertThat(read(shared.get(0))).isEqualTo("jar");
            assertThat(read(shared.get(1))).isEqualTo("weir");
            assertThat(read(loader.getResource("META-INF/weir-test-shared.txt"))).isEqualTo("jar");
            // Under dev/weir/ it is the other way round.
            List<URL> weirs = Collections.list(loader.getResources("dev/weir/weir-test-shared.txt"));
            assertThat(weirs).hasSize(2);
            assertThat(read(weirs.get(0))).isEqualTo("weir");
            assertThat(read(loader.getResource("dev/weir/weir-test-shared.txt"))).isEqualTo("weir");
        }
    }

    @Test
    void parentFirstPackagesAreTheJdksOwnAndWeirsList() {
        ParentFirstPackages packages = ParentFirstPackages.defaults();
        assertThat(packages.isParentFirstClass("java.util.List")).isTrue();
        assertThat(packages.isParentFirstClass("javax.xml.parsers.DocumentBuilder")).as("JDK module java.xml").isTrue();
        assertThat(packages.isParentFirstClass("javax.net.ssl.SSLContext")).isTrue();
        assertThat(packages.isParentFirstClass("javax.annotation.Nullable")).as("not in the JDK since 11").isFalse();
        assertThat(packages.isParentFirstClass("javax.inject.Inject")).isFalse();
        assertThat(packages.isParentFirstClass("dev.weir.runtime.dataflow.JobDefinition")).isTrue();
        assertThat(packages.isParentFirstClass("org.apache.kafka.clients.producer.ProducerRecord")).isTrue();
        assertThat(packages.isParentFirstClass("com.fasterxml.jackson.databind.JsonNode")).isFalse();
        assertThat(packages.isParentFirstClass("com.google.common.collect.ImmutableList")).isFalse();
        assertThat(packages.isParentFirstClass("dev.weirdo.Job")).isFalse();
        assertThat(packages.isParentFirstResource("javax/xml/parsers/DocumentBuilder.class")).isTrue();
        assertThat(packages.isParentFirstResource("org/slf4j/LoggerFactory.class")).isTrue();
        assertThat(packages.isParentFirstResource("/dev/weir/x.txt")).isTrue();
        assertThat(packages.isParentFirstResource("com/google/common/base/Ascii.class")).isFalse();
        assertThat(packages.isParentFirstResource("application.properties")).isFalse();
    }

    @Test
    void closingReleasesTheJarButLoadedClassesKeepWorking() throws Exception {
        Class<?> users;
        UserCodeClassLoader loader = loader();
        users = loader.loadClass("com.google.common.base.Ascii");
        loader.close();
        assertThat(users.getMethod("origin").invoke(null)).isEqualTo("the job's copy");
        assertThatThrownBy(() -> loader.loadClass("userjob.Uses")).isInstanceOf(ClassNotFoundException.class);
    }

    private static String read(URL url) throws IOException {
        try (var in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
