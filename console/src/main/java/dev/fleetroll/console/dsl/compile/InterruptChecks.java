package dev.fleetroll.console.dsl.compile;

import groovy.transform.ThreadInterrupt;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * Puts {@code @ThreadInterrupt} on every class a script defines (the script class included), so loops, closures
 * and method entries check {@link Thread#isInterrupted()} and Ctrl-C or a timeout stops user code.
 *
 * <p>Same effect as {@code new ASTTransformationCustomizer(ThreadInterrupt)}, which is itself dynamic Groovy and
 * costs about a tenth of a second of start-up looking up the transformation reflectively.
 */
final class InterruptChecks extends CompilationCustomizer {
    private static final ClassNode THREAD_INTERRUPT = ClassHelper.make(ThreadInterrupt.class);

    InterruptChecks() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (classNode.getAnnotations(THREAD_INTERRUPT).isEmpty()) {
            classNode.addAnnotation(new AnnotationNode(THREAD_INTERRUPT));
        }
    }
}
