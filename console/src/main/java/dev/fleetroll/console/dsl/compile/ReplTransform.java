package dev.fleetroll.console.dsl.compile;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.EmptyExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.Token;
import org.codehaus.groovy.syntax.Types;

/**
 * Makes REPL lines behave like one long script although each is compiled on its own: a top-level declaration
 * ({@code def x = 1}, {@code var x}, {@code HostSet s = ...}, {@code def (a, b) = ...}) becomes an assignment to the
 * shared binding, and a top-level method ({@code def f(x) { ... }}) becomes a closure in the binding, callable as
 * {@code f(1)} from later lines. Only the outermost statements change; declarations inside blocks, loops and
 * closures stay local. Annotated declarations ({@code @Field}) are left alone.
 */
final class ReplTransform extends CompilationCustomizer {
    ReplTransform() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) {
            return;
        }
        ModuleNode module = source.getAST();
        BlockStatement block = module.getStatementBlock();
        List<Statement> statements = block.getStatements();
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i) instanceof ExpressionStatement es
                    && es.getExpression() instanceof DeclarationExpression de
                    && de.getAnnotations().isEmpty()) {
                Expression left;
                if (de.isMultipleAssignmentDeclaration()) {
                    TupleExpression names = new TupleExpression();
                    for (Expression e : de.getTupleExpression().getExpressions()) {
                        names.addExpression(new VariableExpression(((VariableExpression) e).getName()));
                    }
                    left = names;
                } else {
                    left = new VariableExpression(de.getVariableExpression().getName());
                }
                left.setSourcePosition(de.getLeftExpression());
                Expression right = de.getRightExpression() instanceof EmptyExpression
                        ? ConstantExpression.NULL : de.getRightExpression();
                BinaryExpression assign = new BinaryExpression(left, Token.newSymbol(Types.ASSIGN,
                        de.getOperation().getStartLine(), de.getOperation().getStartColumn()), right);
                assign.setSourcePosition(de);
                ExpressionStatement replacement = new ExpressionStatement(assign);
                replacement.setSourcePosition(es);
                replacement.copyStatementLabels(es);
                statements.set(i, replacement);
            }
        }
        List<Statement> closures = new ArrayList<>();
        for (MethodNode m : new ArrayList<>(classNode.getMethods())) {
            if (m.isScriptBody() || m.getName().equals("main") || m.getLineNumber() < 1 || m.isStatic() && m.getName().equals("main")
                    || m.isSynthetic() || !m.getAnnotations().isEmpty()) {
                continue;
            }
            ClosureExpression closure = new ClosureExpression(m.getParameters(), m.getCode());
            closure.setSourcePosition(m);
            VariableExpression target = new VariableExpression(m.getName());
            target.setSourcePosition(m);
            BinaryExpression assign = new BinaryExpression(target, Token.newSymbol(Types.ASSIGN, m.getLineNumber(),
                    m.getColumnNumber()), closure);
            assign.setSourcePosition(m);
            ExpressionStatement s = new ExpressionStatement(assign);
            s.setSourcePosition(m);
            closures.add(s);
            classNode.removeMethod(m);
            module.getMethods().remove(m);
        }
        statements.addAll(0, closures);
    }
}
