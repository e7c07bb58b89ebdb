"""Per-image statistics of the reference corruptions, for test/corruptions/stochastic-distributions.test.ts.

Usage: python3 reference-stats.py PEER_FILE JOBS_JSON
PEER_FILE is corruptions_peer.py (the vendored reference code: make_cifar_c.py and imagecorruptions); only its two
factory functions are taken (by parsing the file), so its command line and timing loop never run. JOBS_JSON is a
list of {"corruption": "snow", "table": "cifar" | "imagenet", "size": 32, "gray": 64, "images": 60,
"severities": [1, 2], "base": {"1": 71}}: each job corrupts `images` constant-gray size x size RGB images.
Prints one list entry per job, {"<severity>": [[mean byte, changed share], ...one per image]}: the mean output
byte over all values, and the share of pixels where some value differs from base[severity] (default: the input
gray). Exit 3 (and a line on stderr) when a module is missing.
"""
import ast
import json
import sys
import types

try:
    import ctypes, math, warnings  # noqa: E401,F401  (names the reference code uses)
    from io import BytesIO
    import numpy as np
    import cv2
    import skimage as sk
    import skimage.color  # noqa: F401
    import skimage.util  # noqa: F401
    from skimage.filters import gaussian
    from PIL import Image
    from scipy.ndimage import zoom as scizoom
    from scipy.ndimage import map_coordinates
except ImportError as e:
    sys.stderr.write('missing module: %s\n' % e)
    sys.exit(3)

peer_file, jobs = sys.argv[1], json.loads(sys.argv[2])
tree = ast.parse(open(peer_file).read())
factories = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('cifar10_c_corruptions', 'imagenet_c_corruptions')]
scope = dict(np=np, cv2=cv2, sk=sk, gaussian=gaussian, Image=Image, PILImage=Image, scizoom=scizoom,
             map_coordinates=map_coordinates, BytesIO=BytesIO, ctypes=ctypes, math=math, warnings=warnings,
             os=__import__('os'), njit=lambda *a, **k: (lambda f: f), A=types.SimpleNamespace(threads=1))
exec(compile(ast.Module(body=factories, type_ignores=[]), peer_file, 'exec'), scope)
factories = {}


def corruptions(name):
    if name not in factories:
        try:
            factories[name] = scope['cifar10_c_corruptions' if name == 'cifar' else 'imagenet_c_corruptions']('.')
        except SystemExit as e:  # make_cifar_c.py needs Wand (ImageMagick)
            sys.stderr.write('%s\n' % e)
            sys.exit(3)
    return factories[name]


results = []
for job in jobs:
    fn = corruptions(job['table'])[job['corruption']]
    size, gray = job['size'], job['gray']
    image = Image.fromarray(np.full((size, size, 3), gray, np.uint8))
    np.random.seed(job.get('seed', 0))
    out = {}
    for s in job['severities']:
        base = job.get('base', {}).get(str(s), gray)
        rows = []
        for _ in range(job['images']):
            y = np.uint8(fn(image, s))
            rows.append([float(y.mean()), float((y != base).any(axis=2).mean())])
        out[str(s)] = rows
    results.append(out)
print(json.dumps(results))
