urlpatterns = []
app_name = "hazards"
