resource "kubernetes_secret_v1" "app_db" {
  metadata {
    name = "${var.app}-db"
  }
  data = {
    url = var.database_url
  }
}
