from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "uythac.scoring"
    label = "scoring"

    def ready(self) -> None:
        from uythac.closing.steps import register_step
        from uythac.scoring.steps import ScoringStep

        register_step(ScoringStep())
