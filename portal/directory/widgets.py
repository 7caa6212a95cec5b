from django import forms


class UnitSearchWidget(forms.Select):
    """A select of directory units filled by a server-side search (static/portal/js/unit-search.js).

    Only the chosen unit is rendered as an option, so a directory of tens of thousands of units never
    reaches the page; without JavaScript the search box submits a GET to the same search endpoint.
    """

    template_name = "directory/widgets/unit_search.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-select", "size": 6, "data-unit-search": "1", **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        selected = [v for v in value if v]
        if not selected or self.choices.queryset is None:
            return []
        self.choices.queryset = self.choices.queryset.filter(pk__in=selected)
        return super().optgroups(name, value, attrs)
