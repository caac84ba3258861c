"""What every page's template needs from settings: the map's tiles."""

from django.conf import settings


def portal(request):
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
