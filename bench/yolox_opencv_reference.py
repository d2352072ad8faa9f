"""YOLOX-nano's person score on two_hands_test.jpg through YOLOX's own preprocessing and OpenCV's DNN.

An independent check of src/core/vision/person-detector.ts: another runtime (OpenCV DNN instead of
onnxruntime), another image decoder (cv2.imread) and YOLOX's demo preprocessing as written in
yolox/data/data_augment.py (BGR 0-255, cv2.resize INTER_LINEAR, letterbox top-left, pad 114).
Needs Debian's python3-opencv; run with /usr/bin/python3 bench/yolox_opencv_reference.py [image] [--write]
(--write stores the result in bench/reference/yolox_two_hands_opencv.json, which the detector's test reads).
"""
import json
import os
import sys

import cv2
import numpy as np

data = os.environ.get('GSTUDIO_SHARED_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
args = [a for a in sys.argv[1:] if a != '--write']
image_path = args[0] if args else os.path.join(data, 'images', 'two_hands_test.jpg')
model_path = os.path.join(data, 'models', 'yolox_nano.onnx')

img = cv2.imread(image_path)
size = 416
r = min(size / img.shape[0], size / img.shape[1])
resized = cv2.resize(img, (int(img.shape[1] * r), int(img.shape[0] * r)), interpolation=cv2.INTER_LINEAR)
padded = np.full((size, size, 3), 114, dtype=np.uint8)
padded[: resized.shape[0], : resized.shape[1]] = resized
blob = padded.transpose(2, 0, 1)[None].astype(np.float32)

net = cv2.dnn.readNetFromONNX(model_path)
net.setInput(blob)
out = net.forward()[0]
# YOLOX's demo: score = objectness x class probability.
person = out[:, 4] * out[:, 5]
i = int(person.argmax())
print(f'{os.path.basename(image_path)}: person score {person[i]:.3f} (objectness {out[i, 4]:.3f} x class {out[i, 5]:.3f})')
if '--write' in sys.argv:
    ref = os.path.join(os.path.dirname(__file__), 'reference', 'yolox_two_hands_opencv.json')
    with open(ref, 'w') as f:
        json.dump({'image': os.path.basename(image_path), 'runtime': f'opencv-dnn {cv2.__version__}', 'score': round(float(person[i]), 4),
                   'objectness': round(float(out[i, 4]), 4), 'classProbability': round(float(out[i, 5]), 4)}, f, indent=2)
        f.write('\n')
    print('wrote', ref)
