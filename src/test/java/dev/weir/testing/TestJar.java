package dev.weir.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds a job jar the way a user would, at test time: compiles Java sources against the test
 * class path (Weir as a provided dependency) and packages the classes, and any resources, with
 * java.util.jar. The classes exist only in the jar, never on the test class path, so loading them
 * proves the user-code class loader. Classes can be left out of the jar to make a missing dependency.
 */
public final class TestJar {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final List<String> omitted = new ArrayList<>();
    private final Map<String, UnaryOperator<byte[]>> patches = new LinkedHashMap<>();

    /** @param className fully qualified; the source must declare that top-level class */
    public TestJar source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    public TestJar resource(String name, String content) {
        resources.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Compiles the class (its sources need it) but leaves it, and its nested classes, out of the jar. */
    public TestJar omit(String className) {
        omitted.add(className.replace('.', '/'));
        return this;
    }

    /** Packages the class's compiled bytes as {@code patch} rewrites them (e.g. another class file version). */
    public TestJar patch(String className, UnaryOperator<byte[]> patch) {
        patches.put(className.replace('.', '/') + ".class", patch);
        return this;
    }

    /** Compiles into {@code work}/classes and writes the jar to {@code jar}; returns {@code jar}. */
    public Path build(Path work, Path jar) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("tests need a JDK (javax.tools has no compiler in a JRE)");
        }
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                    "-proc:none", "--release", "17");
            boolean compiled = compiler.getTask(diagnostics, fileManager, null, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            if (!compiled) {
                throw new IllegalStateException("compiling the test job failed:\n" + diagnostics);
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> entries = Files.walk(classes)) {
            for (Path file : entries.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (!isOmitted(name)) {
                    out.putNextEntry(new JarEntry(name));
                    out.write(patches.getOrDefault(name, UnaryOperator.identity()).apply(Files.readAllBytes(file)));
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
                out.putNextEntry(new JarEntry(resource.getKey()));
                out.write(resource.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private boolean isOmitted(String entry) {
        for (String prefix : omitted) {
            if (entry.equals(prefix + ".class") || entry.startsWith(prefix + "$")) {
                return true;
            }
        }
        return false;
    }
}
