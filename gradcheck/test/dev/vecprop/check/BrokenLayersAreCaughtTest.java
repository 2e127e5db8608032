package dev.vecprop.check;

import dev.vecprop.layer.LayerRegistry;
import dev.vecprop.layer.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Negative controls: each deliberately broken layer fails the contract under the property its bug breaks, and only there. */
class BrokenLayersAreCaughtTest {
    private static final LayerRegistry REGISTRY = LayerRegistry.builtIn().register("BrokenAffine", BrokenAffine::fromConfig);

    private static LayerContract contract(BrokenAffine.Bug bug) {
        return LayerContract.of(() -> new BrokenAffine(9, bug), Shape.of(9)).batch(4).registry(REGISTRY);
    }

    @Test
    void theCorrectTwinSatisfiesEveryProperty() {
        ContractReport r = contract(BrokenAffine.Bug.NONE).verify();
        assertThat(r.properties()).extracting(PropertyResult::status).containsOnly(PropertyResult.Status.PASS);
    }

    @ParameterizedTest
    @EnumSource(value = BrokenAffine.Bug.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void eachBugFailsExactlyTheRightProperty(BrokenAffine.Bug bug) {
        ContractReport r = contract(bug).check();
        assertThat(r.failed()).as(r.toString()).containsExactly(bug.caughtBy);
        ContractViolation v = r.result(bug.caughtBy).violation();
        assertThat(v.property()).isEqualTo(bug.caughtBy);
        assertThat(v.getMessage()).startsWith(bug.caughtBy.name()).contains("Affine[" + bug + "](9)");
        assertThatThrownBy(() -> contract(bug).verify()).isInstanceOf(ContractViolation.class)
                .hasMessageStartingWith(bug.caughtBy.name());
    }

    @Test
    void aGradientFailureNamesTensorElementValuesAndTolerance() {
        ContractViolation v = contract(BrokenAffine.Bug.WRONG_SIGN).check().result(ContractProperty.GRADIENTS).violation();
        ContractViolation.Detail d = v.detail();
        assertThat(d.tensor()).isEqualTo("input gradient");
        assertThat(d.index()).isBetween(0, 4 * 9 - 1);
        assertThat(Math.signum(d.actual())).isEqualTo(-Math.signum(d.expected()));
        assertThat(d.tolerance()).isPositive().isLessThan(Math.abs(d.actual() - d.expected()));
        assertThat(v.getMessage()).contains("input gradient element " + d.index()).contains("analytic vs numeric")
                .contains("tolerance");
        ContractViolation missing = contract(BrokenAffine.Bug.MISSING_TERM).check().result(ContractProperty.GRADIENTS).violation();
        assertThat(missing.detail().tensor()).isEqualTo("0.bias gradient");
        assertThat(missing.detail().actual()).isZero();
    }

    @Test
    void aDeclaredRefusalThatIsAcceptedFails() {
        ContractReport r = LayerContract.of(dev.vecprop.layer.Tanh::new, Shape.of(5)).rejects(Shape.of(6)).check();
        assertThat(r.failed()).containsExactly(ContractProperty.SHAPE_ERRORS);
        assertThat(r.result(ContractProperty.SHAPE_ERRORS).note()).contains("(6)").contains("ShapeException");
    }

    @Test
    void aLayerWithoutConfigSkipsSerializationVisibly() {
        ContractReport r = LayerContract.of(BrokenBackwardIsCaughtTest.BrokenTanh::new, Shape.of(5)).check();
        assertThat(r.result(ContractProperty.SERIALIZATION).status()).isEqualTo(PropertyResult.Status.SKIPPED);
        assertThat(r.failed()).containsExactly(ContractProperty.GRADIENTS);
    }
}
