package dev.fleetroll.console.dsl;

import dev.fleetroll.state.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.NotExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.syntax.Types;

/**
 * Turns a simple closure gate ({@code { applied && healthy && !quarantined }}) into the query to write instead
 * ({@code applied=y healthy=y tc_quar=n}), for {@code fleetroll check}'s message. Only conjunctions of HostState
 * flags that are monitor columns translate; anything else gets null.
 */
public final class GateQueries {
    private GateQueries() {}

    public static String fromClosure(ClosureExpression closure) {
        Statement code = closure.getCode();
        // the last statement, inside the blocks the interrupt checks wrap it in
        while (code instanceof BlockStatement b && !b.getStatements().isEmpty()) {
            code = b.getStatements().get(b.getStatements().size() - 1);
        }
        Expression e = code instanceof ExpressionStatement es ? es.getExpression()
                : code instanceof org.codehaus.groovy.ast.stmt.ReturnStatement rs ? rs.getExpression() : null;
        List<String> out = new ArrayList<>();
        return e != null && collect(e, out) ? String.join(" ", out) : null;
    }

    private static boolean collect(Expression e, List<String> out) {
        if (e instanceof BinaryExpression be && be.getOperation().getType() == Types.LOGICAL_AND) {
            return collect(be.getLeftExpression(), out) && collect(be.getRightExpression(), out);
        }
        boolean negated = false;
        if (e instanceof NotExpression n) {
            negated = true;
            e = n.getExpression();
        }
        String name = e instanceof VariableExpression v ? v.getName()
                : e instanceof org.codehaus.groovy.ast.expr.PropertyExpression p && p.isImplicitThis() ? p.getPropertyAsString() : null;
        if (name == null) {
            return false;
        }
        var column = Columns.standard().find(name.toLowerCase(Locale.ROOT));
        if (column.isEmpty() || column.get().type() != dev.fleetroll.state.Column.Type.FLAG) {
            return false;
        }
        out.add(column.get().name() + (negated ? "=n" : "=y"));
        return true;
    }
}
