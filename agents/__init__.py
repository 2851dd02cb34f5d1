"""The agents of SpineMed (localizer, retriever, generator, reviewer) and their model backends."""
