package dev.fleetroll.console.dsl.compile;

import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.FleetScript;
import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.GroovyShell;
import groovy.transform.ThreadInterrupt;
import groovy.transform.TypeChecked;
import java.util.Map;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.customizers.ImportCustomizer;

/**
 * The one compiler configuration for the REPL, {@code fleetroll run}, {@code -e} and {@code check}:
 * {@link FleetScript} as the script base class, default imports of the DSL types, and {@link ThreadInterrupt}
 * (via {@link InterruptChecks}) so Ctrl-C and timeouts stop loops, closures and method calls in user code.
 *
 * <p>Variants add to it, never replace it: the REPL adds {@link ReplTransform} (top-level {@code def} and methods
 * persist between lines); {@code check} adds {@link TypeChecked} with {@link DslTypeChecker}.
 */
public final class DslCompiler {
    /** Packages every script sees without imports. */
    public static final String[] STAR_IMPORTS = {"dev.fleetroll.console.dsl", "dev.fleetroll.state", "java.time"};

    private DslCompiler() {}

    /** The shared configuration (scripts, {@code -e}, stdin). */
    public static CompilerConfiguration configuration() {
        CompilerConfiguration cc = new CompilerConfiguration();
        cc.setScriptBaseClass(FleetScript.class.getName());
        cc.addCompilationCustomizers(imports(), new InterruptChecks());
        return cc;
    }

    /** The shared configuration plus REPL persistence of top-level declarations and methods. */
    public static CompilerConfiguration repl(ImportCustomizer sessionImports) {
        CompilerConfiguration cc = configuration();
        cc.addCompilationCustomizers(new ReplTransform());
        if (sessionImports != null) {
            cc.addCompilationCustomizers(sessionImports);
        }
        return cc;
    }

    /** The shared configuration plus static type checking of DSL use, for {@code fleetroll check}. */
    public static CompilerConfiguration check() {
        CompilerConfiguration cc = configuration();
        cc.addCompilationCustomizers(new ASTTransformationCustomizer(
                Map.of("extensions", new String[] {DslTypeChecker.class.getName()}), TypeChecked.class));
        return cc;
    }

    private static ImportCustomizer imports() {
        ImportCustomizer ic = new ImportCustomizer();
        ic.addStarImports(STAR_IMPORTS);
        ic.addImports("dev.fleetroll.ssh.Outcome");
        return ic;
    }

    /** A shell compiling with {@code cc}; scripts share {@code binding}. */
    public static GroovyShell shell(CompilerConfiguration cc, Binding binding) {
        return new GroovyShell(DslCompiler.class.getClassLoader(), binding, cc);
    }

    /** Compiles {@code text} as class {@code className} and attaches it to the session. */
    public static FleetScript parse(GroovyShell shell, String text, String className, DslSession session) {
        GroovyCodeSource source = new GroovyCodeSource(text, className + ".groovy", GroovyShell.DEFAULT_CODE_BASE);
        source.setCachable(false);
        FleetScript script = (FleetScript) shell.parse(source);
        script.attach(session);
        return script;
    }

    /**
     * The script class name for a file: {@code audit-all.groovy} becomes {@code Script_audit_all}. The prefix keeps
     * the class from shadowing a variable of the same name ({@code args.groovy} using {@code args}).
     */
    public static String className(String fileName) {
        String base = fileName.replaceAll(".*[/\\\\]", "").replaceAll("\\.groovy$", "");
        StringBuilder b = new StringBuilder("Script_");
        for (char c : base.toCharArray()) {
            b.append(Character.isJavaIdentifierPart(c) ? c : '_');
        }
        return b.toString();
    }

    /** Drops compiled classes the shell no longer needs (a long REPL session compiles one class per line). */
    public static void purge(GroovyShell shell) {
        GroovyClassLoader loader = shell.getClassLoader();
        loader.clearCache();
    }
}
