import init, { Personalizer } from 'ondevice';
import 'ondevice/panel';
import { panelPage } from '../pages.js';
import catalogue from '../catalogue.js';

panelPage(init, Personalizer, catalogue);
