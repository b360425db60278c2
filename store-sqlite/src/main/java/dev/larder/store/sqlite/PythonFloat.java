package dev.larder.store.sqlite;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;

/**
 * Python's {@code repr()} (= {@code str()}) of a float: the shortest decimal that reads back as the
 * same double (closest to it when several are as short), written in positional notation when the
 * decimal point falls within 16 digits ({@code 0.0001}, {@code 1e-05}, {@code 1000000000000000.0},
 * {@code 1e+16}), {@code inf}, {@code -inf}, {@code nan}.
 *
 * <p>JDK 17's {@code Double.toString} is not always shortest (about 1.5% of random doubles get an
 * extra digit); the Schubfach algorithm (in jackson-core, the same one JDK 19 adopted) is. It
 * answers at least two digits, so where one digit is as short (only subnormals can differ) that
 * one is tried.
 */
final class PythonFloat {
    private PythonFloat() {
    }

    static String repr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0";
        double abs = Math.abs(d);
        String java = DoubleToDecimal.toString(abs); // "123.45", "1.0E-5", "4.9E-324"
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int dot = mantissa.indexOf('.');
        StringBuilder digits = new StringBuilder(mantissa.length()).append(mantissa, 0, dot).append(mantissa, dot + 1, mantissa.length());
        // Python's decimal-point position: the value is 0.DIGITS x 10^point.
        int point = dot + (e < 0 ? 0 : Integer.parseInt(java.substring(e + 1)));
        while (digits.length() > 1 && digits.charAt(0) == '0') {
            digits.deleteCharAt(0);
            point--;
        }
        while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') digits.setLength(digits.length() - 1);
        if (digits.length() == 2 && abs < Double.MIN_NORMAL) {
            int rounded = (digits.charAt(0) - '0') + (digits.charAt(1) >= '5' ? 1 : 0);
            int onePoint = rounded == 10 ? point + 1 : point;
            int oneDigit = rounded == 10 ? 1 : rounded;
            if (Double.parseDouble(oneDigit + "E" + (onePoint - 1)) == abs) {
                digits.setLength(0);
                digits.append(oneDigit);
                point = onePoint;
            }
        }
        return format(d < 0, digits, point);
    }

    private static String format(boolean negative, CharSequence digits, int point) {
        StringBuilder out = new StringBuilder(24);
        if (negative) out.append('-');
        int n = digits.length();
        if (point <= -4 || point > 16) {
            out.append(digits.charAt(0));
            if (n > 1) out.append('.').append(digits, 1, n);
            int exp = point - 1;
            out.append('e').append(exp < 0 ? '-' : '+');
            if (Math.abs(exp) < 10) out.append('0');
            out.append(Math.abs(exp));
        } else if (point <= 0) {
            out.append("0.");
            for (int i = 0; i < -point; i++) out.append('0');
            out.append(digits);
        } else if (point < n) {
            out.append(digits, 0, point).append('.').append(digits, point, n);
        } else {
            out.append(digits);
            for (int i = n; i < point; i++) out.append('0');
            out.append(".0");
        }
        return out.toString();
    }
}
