"""Reading the inputs: the corpus loader, its validation and cleaning, events, the editable word lists in ``analysis/resources/``, generated corpora and the ``corpus`` command."""
